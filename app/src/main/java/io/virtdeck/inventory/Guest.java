package io.virtdeck.inventory;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.GraphicsFacts;
import io.virtdeck.hypervisor.NicFacts;

/**
 * A guest as the inventory knows it (OpenAPI: GET /api/v1/guests/{id}). {@code tags}: Virtdeck's own free-form tags
 * (io.virtdeck.core.Tags), sorted; libvirt does not hold them. {@code template}: marked as a template by
 * Virtdeck (it is not started; guests are created from it). {@code managedSave}: shut off with its memory saved by
 * libvirt ("Saved" on the pages); starting it restores it. {@code serialConsole}: it has a serial port or console that
 * libvirt's console stream opens.
 */
public record Guest(
        long id,
        String name,
        UUID uuid,
        long hostId,
        String hostName,
        DomainRunState state,
        int vcpus,
        long memoryMiB,
        boolean autostart,
        boolean persistent,
        boolean managedSave,
        String osType,
        List<DiskFacts> disks,
        List<NicFacts> nics,
        List<GraphicsFacts> graphics,
        String description,
        Instant updatedAt,
        boolean template,
        boolean serialConsole,
        List<String> tags) {

    /** A guest not tagged. */
    public Guest(long id, String name, UUID uuid, long hostId, String hostName, DomainRunState state, int vcpus,
                 long memoryMiB, boolean autostart, boolean persistent, boolean managedSave, String osType,
                 List<DiskFacts> disks, List<NicFacts> nics, List<GraphicsFacts> graphics, String description,
                 Instant updatedAt, boolean template, boolean serialConsole) {
        this(id, name, uuid, hostId, hostName, state, vcpus, memoryMiB, autostart, persistent, managedSave, osType,
                disks, nics, graphics, description, updatedAt, template, serialConsole, List.of());
    }

    /** A virtual machine or a container, from its OS type. */
    @JsonProperty("kind")
    public GuestKind kind() {
        return GuestKind.of(osType);
    }

    /** Where its VNC display is served (not for a simulated host's guests, whose displays nothing runs). */
    public boolean servedVnc() {
        return graphics.stream().anyMatch(GraphicsFacts::servedVnc);
    }

    /** This guest as a row of the list. */
    public Summary summary(String firstAddress) {
        return new Summary(id, name, uuid, hostId, hostName, state, managedSave, vcpus, memoryMiB, template,
                firstAddress, console(graphics, serialConsole), tags, kind());
    }

    /**
     * What "Open console" opens: {@code vnc} where its VNC display is served, else {@code serial} where it has a
     * serial console, else null: no button leads to a console that cannot show anything. Whether the guest runs is
     * the caller's to check.
     */
    static String console(List<GraphicsFacts> graphics, boolean serialConsole) {
        if (graphics.stream().anyMatch(GraphicsFacts::servedVnc)) {
            return "vnc";
        }
        return serialConsole ? "serial" : null;
    }

    /**
     * The short form the guest list shows (OpenAPI: GET /api/v1/guests items). {@code firstAddress}: the first IP
     * address its qemu-guest-agent reported while it runs, null when none did. {@code console}: what its "Open
     * console" opens while it runs: {@code vnc}, {@code serial}, or null when it has no console to show.
     * {@code tags}: its tags, sorted. {@code kind}: a virtual machine or a container.
     */
    public record Summary(long id, String name, UUID uuid, long hostId, String hostName, DomainRunState state,
                          boolean managedSave, int vcpus, long memoryMiB, boolean template, String firstAddress,
                          String console, List<String> tags, GuestKind kind) {
    }
}

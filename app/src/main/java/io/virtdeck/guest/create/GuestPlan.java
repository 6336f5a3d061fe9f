package io.virtdeck.guest.create;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import io.virtdeck.guest.cloudinit.CloudInitPlan;
import io.virtdeck.hypervisor.DomainSpec;
import io.virtdeck.hypervisor.GuestCpu;
import io.virtdeck.hypervisor.GuestPlatform;
import io.virtdeck.hypervisor.NewVolume;
import io.virtdeck.inventory.Host;

/**
 * A checked request to create a guest: everything is known to exist and fit, and each disk is either a volume to
 * create or one that is there. The review page shows it; {@link GuestCreateService} carries it out.
 */
public record GuestPlan(Host host, UUID uuid, String name, GuestPlatform platform, int vcpus, long memoryMiB,
                        List<PlannedDisk> disks, DomainSpec.Disk cdrom, List<String> networks,
                        List<DomainSpec.BootDevice> bootOrder, boolean uefi, boolean vnc, boolean autostart,
                        CloudInitPlan cloudInit, GuestCpu cpu) {

    /** A disk of the new guest: {@code create} set for a new volume, {@code existing} for one already in a pool. */
    public record PlannedDisk(String pool, NewVolume create, DomainSpec.Disk existing) {

        public boolean isNew() {
            return create != null;
        }

        /** How the review page and the audit entry name it. */
        public String describe() {
            return isNew()
                    ? "new " + create.format() + " volume " + create.name() + " of " + size(create.capacityMiB())
                    + " in pool " + pool
                    : "existing volume " + pool + "/" + existing.volume();
        }
    }

    /** A size as a person reads it: whole GiB where it is, else MiB. */
    static String size(long mib) {
        return mib >= 1024 && mib % 1024 == 0 ? mib / 1024 + " GiB" : mib + " MiB";
    }

    /** The domain to define once the new volumes exist, given in the order of {@link #disks}. */
    DomainSpec spec(List<DomainSpec.Disk> volumes) {
        return new DomainSpec(uuid, name, platform, vcpus, memoryMiB, volumes, cdrom, networks, bootOrder, uefi, vnc,
                cpu);
    }

    /** One line for the audit trail. */
    String summary() {
        List<String> parts = new ArrayList<>();
        parts.add("on host " + host.name() + ": " + platform.virtualization().name().toLowerCase(Locale.ROOT) + ", "
                + vcpus + " vCPU(s), " + memoryMiB + " MiB");
        disks.forEach(d -> parts.add(d.describe()));
        if (cdrom != null) {
            parts.add("CD-ROM " + cdrom.pool() + "/" + cdrom.volume());
        }
        if (!networks.isEmpty()) {
            parts.add("networks " + String.join(", ", networks));
        }
        parts.add(uefi ? "UEFI" : "BIOS");
        if (cpu != null) {
            parts.add("CPU " + cpu.describe());
        }
        if (autostart) {
            parts.add("autostart");
        }
        if (cloudInit != null) {
            parts.add(cloudInit.describe());
        }
        return String.join("; ", parts);
    }
}

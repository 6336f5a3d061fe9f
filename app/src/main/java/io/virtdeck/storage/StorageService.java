package io.virtdeck.storage;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.stereotype.Service;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.NewVolume;
import io.virtdeck.hypervisor.PoolAction;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.hypervisor.PoolSpec;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import io.virtdeck.web.Flag;

/**
 * A host's storage pools and their volumes (OpenAPI: pools, volumes): listed from libvirt, with the guests that use
 * each volume from the inventory; pools made (every kind in {@link PoolChecks}), built, started, stopped, refreshed,
 * set to autostart and deleted; volumes made, grown, cloned and deleted; each checked first and audited.
 */
@Service
public class StorageService {

    private static final Set<String> FORMATS = Set.of("qcow2", "raw");
    /** Pool types whose target directory libvirt's pool-delete removes (rmdir: only when empty). */
    private static final Set<String> DIRECTORY_POOLS = Set.of("dir", "fs", "netfs");

    private final StorageGateway gateway;
    private final HostRepository hosts;
    private final GuestRepository guests;
    private final AuditLog audit;

    private final Permissions permissions;

    StorageService(StorageGateway gateway, HostRepository hosts, GuestRepository guests, AuditLog audit,
                   Permissions permissions) {
        this.permissions = permissions;
        this.gateway = gateway;
        this.hosts = hosts;
        this.guests = guests;
        this.audit = audit;
    }

    public List<PoolFacts> pools(long hostId) {
        permissions.requireHost(Action.READ_HOST, hostId);
        hosts.require(hostId);
        return gateway.pools(hostId);
    }

    /** OpenAPI volumes, each with the guests whose disks are on it. */
    public List<VolumeView> volumes(long hostId, String pool) {
        permissions.requireHost(Action.READ_HOST, hostId);
        Host host = hosts.require(hostId);
        requirePool(host, pool);
        List<Guest> onHost = guests.findAllOn(hostId);
        return gateway.volumes(hostId, pool).stream()
                .map(v -> new VolumeView(v.name(), v.format(), v.capacityMiB(), v.allocationMiB(), v.path(),
                        usedBy(v, pool, onHost)))
                .toList();
    }

    /** OpenAPI: create {"name","type",...type's fields}: defined, built where that is harmless or asked, started. */
    public PoolFacts createPool(long hostId, PoolRequest request) {
        permissions.requireHost(Action.OPERATE, hostId);
        Host host = hosts.require(hostId);
        PoolSpec spec = PoolChecks.toPool(request);
        if (gateway.pools(hostId).stream().anyMatch(p -> p.name().equals(spec.name()))) {
            throw VirtdeckException.conflict("name", "Host '" + host.name() + "' has a pool '" + spec.name()
                    + "' already.");
        }
        return audit.hostChange("pool.create", poolObject(host, spec.name()), null,
                () -> gateway.createPool(hostId, spec, PoolChecks.build(request)));
    }

    /** Whether libvirt starts the pool when it starts ({@code autostart} checked once the user may act here). */
    public PoolFacts setAutostart(long hostId, String pool, Boolean autostart) {
        permissions.requireHost(Action.OPERATE, hostId);
        return poolAction(hostId, pool, Flag.required(autostart, "autostart", "true or false")
                ? PoolAction.AUTOSTART_ON : PoolAction.AUTOSTART_OFF);
    }

    /** The action a page's or the API's path names (build, start, stop, refresh), whatever the server's locale. */
    static PoolAction poolActionNamed(String name) {
        return PoolAction.valueOf(name.toUpperCase(Locale.ROOT));
    }

    /**
     * Build, start, stop, refresh, autostart on or off. Build and start want a stopped pool, refresh a running one;
     * stopping is refused while a guest that is not shut off has a disk on one of its volumes.
     */
    public PoolFacts poolAction(long hostId, String pool, PoolAction action) {
        permissions.requireHost(Action.OPERATE, hostId);
        Host host = hosts.require(hostId);
        PoolFacts facts = existingPool(host, pool);
        boolean wantsActive = action == PoolAction.STOP || action == PoolAction.REFRESH;
        boolean wantsInactive = action == PoolAction.BUILD || action == PoolAction.START;
        if (wantsActive && !facts.active() || wantsInactive && facts.active()) {
            throw VirtdeckException.conflict("Pool '" + pool + "' is " + (facts.active() ? "running" : "stopped")
                    + ": " + action.name().toLowerCase(Locale.ROOT) + " needs it "
                    + (facts.active() ? "stopped" : "running") + " first.");
        }
        if (action == PoolAction.STOP) {
            refuseInUse(host, facts, List.of(DomainRunState.SHUTOFF), "stopped");
        }
        String auditAction = "pool." + action.name().toLowerCase(Locale.ROOT).replace('_', '.');
        audit.hostChange(auditAction, poolObject(host, pool), null, () -> {
            gateway.poolAction(hostId, pool, action);
            return null;
        });
        return existingPool(host, pool);
    }

    /**
     * Stops (if running) and undefines the pool; refused while any guest, running or not, has a disk on one of its
     * volumes. Volumes' files and data stay; an empty target directory of a dir, fs or netfs pool is removed.
     */
    public void deletePool(long hostId, String pool) {
        permissions.requireHost(Action.OPERATE, hostId);
        Host host = hosts.require(hostId);
        PoolFacts facts = existingPool(host, pool);
        refuseInUse(host, facts, List.of(), "deleted");
        audit.hostChange("pool.delete", poolObject(host, pool), null, () -> {
            gateway.deletePool(hostId, pool, DIRECTORY_POOLS.contains(facts.type()));
            return null;
        });
    }

    public VolumeView createVolume(long hostId, String pool, VolumeRequest request) {
        permissions.requireHost(Action.OPERATE, hostId);
        Host host = hosts.require(hostId);
        PoolFacts facts = requirePool(host, pool);
        PoolChecks.name("name", request.name());
        String format = request.format() == null ? "qcow2" : request.format();
        if (!FORMATS.contains(format)) {
            throw VirtdeckException.invalid("format", "format is qcow2 or raw.");
        }
        if (request.sizeMiB() == null || request.sizeMiB() < 1 || request.sizeMiB() > facts.availableMiB()) {
            throw VirtdeckException.invalid("sizeMiB", "sizeMiB must be between 1 and " + facts.availableMiB()
                    + " (what pool '" + pool + "' has free).");
        }
        if (gateway.volumes(hostId, pool).stream().anyMatch(v -> v.name().equals(request.name()))) {
            throw VirtdeckException.conflict("Pool '" + pool + "' has a volume '" + request.name() + "' already.");
        }
        VolumeFacts made = audit.hostChange("volume.create", volumeObject(host, pool, request.name()), null,
                () -> gateway.createVolume(hostId, pool, new NewVolume(request.name(), request.sizeMiB(), format)));
        return new VolumeView(made.name(), made.format(), made.capacityMiB(), made.allocationMiB(), made.path(),
                List.of());
    }

    /** Grows a volume; refused while a guest uses it (a disk in use grows through its guest, not under it). */
    public VolumeView resizeVolume(long hostId, String pool, String volume, Long sizeMiB) {
        permissions.requireHost(Action.OPERATE, hostId);
        Host host = hosts.require(hostId);
        PoolFacts facts = requirePool(host, pool);
        VolumeView found = unused(hostId, pool, volume, "resized");
        if (sizeMiB == null || sizeMiB <= found.capacityMiB()
                || sizeMiB - found.capacityMiB() > facts.availableMiB() + found.capacityMiB() - found.allocationMiB()) {
            throw VirtdeckException.invalid("sizeMiB", "sizeMiB must be above the volume's " + found.capacityMiB()
                    + " MiB (volumes only grow here: shrinking cuts off data) and fit in pool '" + pool + "'.");
        }
        VolumeFacts grown = audit.hostChange("volume.resize", volumeObject(host, pool, volume), null,
                () -> gateway.resizeVolume(hostId, pool, volume, sizeMiB));
        return new VolumeView(grown.name(), grown.format(), grown.capacityMiB(), grown.allocationMiB(), grown.path(),
                List.of());
    }

    /** A full copy of a volume in the same pool, under a new name. */
    public VolumeView cloneVolume(long hostId, String pool, String volume, String name) {
        permissions.requireHost(Action.OPERATE, hostId);
        Host host = hosts.require(hostId);
        requirePool(host, pool);
        PoolChecks.name("name", name);
        List<VolumeView> volumes = volumes(hostId, pool);
        if (volumes.stream().noneMatch(v -> v.name().equals(volume))) {
            throw VirtdeckException.notFound("Pool '" + pool + "' has no volume '" + volume + "'.");
        }
        if (volumes.stream().anyMatch(v -> v.name().equals(name))) {
            throw VirtdeckException.conflict("Pool '" + pool + "' has a volume '" + name + "' already.");
        }
        VolumeFacts copy = audit.hostChange("volume.clone", volumeObject(host, pool, name), null,
                () -> gateway.copyVolume(hostId, pool, volume, name));
        return new VolumeView(copy.name(), copy.format(), copy.capacityMiB(), copy.allocationMiB(), copy.path(),
                List.of());
    }

    /** Refused (409) while a guest's disk is on it: deleting it would pull the disk from under the guest. */
    public void deleteVolume(long hostId, String pool, String volume) {
        permissions.requireHost(Action.OPERATE, hostId);
        Host host = hosts.require(hostId);
        unused(hostId, pool, volume, "deleted");
        audit.hostChange("volume.delete", volumeObject(host, pool, volume), null, () -> {
            gateway.deleteVolume(hostId, pool, volume);
            return null;
        });
    }

    /** OpenAPI: {"name","format","capacityMiB","allocationMiB","usedBy"}, plus the volume's path on its host. */
    public record VolumeView(String name, String format, long capacityMiB, long allocationMiB, String path,
                             List<String> usedBy) {
    }

    public record VolumeRequest(String name, Long sizeMiB, String format) {
    }

    /** The volume, when no guest's disk is on it; 404 or 409 with the reason otherwise. */
    VolumeView unused(long hostId, String pool, String volume, String what) {
        VolumeView found = volumes(hostId, pool).stream().filter(v -> v.name().equals(volume)).findFirst()
                .orElseThrow(() -> VirtdeckException.notFound("Pool '" + pool + "' has no volume '" + volume + "'."));
        if (!found.usedBy().isEmpty()) {
            throw VirtdeckException.conflict("Volume '" + volume + "' is a disk of " + String.join(", ", found.usedBy())
                    + ": it is not " + what + " while " + (found.usedBy().size() == 1 ? "that guest" : "those guests")
                    + " use it.");
        }
        return found;
    }

    static AuditObject volumeObject(Host host, String pool, String volume) {
        return new AuditObject("volume", host.id() + "/" + pool + "/" + volume, volume);
    }

    /** A guest uses a volume when one of its disks is the volume's file, or names its pool and volume. */
    private static List<String> usedBy(VolumeFacts volume, String pool, List<Guest> guests) {
        return guests.stream().filter(g -> g.disks().stream().anyMatch(d -> isOn(d, volume, pool)))
                .map(Guest::name).sorted().toList();
    }

    private static boolean isOn(DiskFacts disk, VolumeFacts volume, String pool) {
        String source = disk.source();
        return source != null && (source.equals(volume.path()) || source.equals(pool + "/" + volume.name()));
    }

    private PoolFacts existingPool(Host host, String pool) {
        return gateway.pools(host.id()).stream().filter(p -> p.name().equals(pool)).findFirst()
                .orElseThrow(() -> VirtdeckException.notFound("Host '" + host.name() + "' has no pool '" + pool
                        + "'."));
    }

    /**
     * 409 naming the guests (other than those in an ignored state) with a disk in the pool: on one of its volumes
     * while it runs; under its directory, or named pool/volume, while it is stopped and cannot list its volumes.
     */
    private void refuseInUse(Host host, PoolFacts pool, List<DomainRunState> ignored, String what) {
        List<Guest> onHost = guests.findAllOn(host.id()).stream().filter(g -> !ignored.contains(g.state())).toList();
        List<String> users;
        if (pool.active()) {
            users = gateway.volumes(host.id(), pool.name()).stream().flatMap(v -> usedBy(v, pool.name(), onHost)
                    .stream()).distinct().sorted().toList();
        } else {
            users = onHost.stream().filter(g -> g.disks().stream().anyMatch(d -> isUnder(d, pool)))
                    .map(Guest::name).sorted().toList();
        }
        if (!users.isEmpty()) {
            throw VirtdeckException.conflict("Pool '" + pool.name() + "' holds disks of " + String.join(", ", users)
                    + ": it is not " + what + " while " + (users.size() == 1 ? "that guest uses" : "those guests use")
                    + " them.");
        }
    }

    private static boolean isUnder(DiskFacts disk, PoolFacts pool) {
        String source = disk.source();
        return source != null && (source.startsWith(pool.name() + "/")
                || pool.path() != null && source.startsWith(pool.path() + "/"));
    }

    private static AuditObject poolObject(Host host, String pool) {
        return new AuditObject("pool", host.id() + "/" + pool, pool);
    }

    PoolFacts requirePool(Host host, String pool) {
        return gateway.pools(host.id()).stream().filter(p -> p.name().equals(pool) && p.active())
                .findFirst().orElseThrow(() -> VirtdeckException.notFound("Host '" + host.name()
                        + "' has no active pool '" + pool + "'."));
    }

}

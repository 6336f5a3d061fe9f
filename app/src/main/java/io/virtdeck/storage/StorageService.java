package io.virtdeck.storage;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionPlan;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
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
    private final ActionRunner actions;
    private final Permissions permissions;

    StorageService(StorageGateway gateway, HostRepository hosts, GuestRepository guests, ActionRunner actions,
                   Permissions permissions) {
        this.gateway = gateway;
        this.hosts = hosts;
        this.guests = guests;
        this.actions = actions;
        this.permissions = permissions;
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
        Host host = hosts.require(hostId);
        AtomicReference<PoolSpec> spec = new AtomicReference<>();
        return onHost(AuditAction.POOL_CREATE, host, poolObject(host, request.name())).check(() -> {
            spec.set(PoolChecks.toPool(request));
            if (gateway.pools(hostId).stream().anyMatch(p -> p.name().equals(spec.get().name()))) {
                throw VirtdeckException.conflict("name", "Host '" + host.name() + "' has a pool '"
                        + spec.get().name() + "' already.");
            }
        }).run(() -> Done.of(gateway.createPool(hostId, spec.get(), PoolChecks.build(request))));
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
        Host host = hosts.require(hostId);
        onHost(auditAction(action), host, poolObject(host, pool)).check(() -> {
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
        }).execute(() -> gateway.poolAction(hostId, pool, action));
        return existingPool(host, pool);
    }

    static AuditAction auditAction(PoolAction action) {
        return switch (action) {
            case BUILD -> AuditAction.POOL_BUILD;
            case START -> AuditAction.POOL_START;
            case STOP -> AuditAction.POOL_STOP;
            case REFRESH -> AuditAction.POOL_REFRESH;
            case AUTOSTART_ON -> AuditAction.POOL_AUTOSTART_ON;
            case AUTOSTART_OFF -> AuditAction.POOL_AUTOSTART_OFF;
        };
    }

    /**
     * Stops (if running) and undefines the pool; refused while any guest, running or not, has a disk on one of its
     * volumes. Volumes' files and data stay; an empty target directory of a dir, fs or netfs pool is removed.
     */
    public void deletePool(long hostId, String pool) {
        Host host = hosts.require(hostId);
        AtomicReference<PoolFacts> facts = new AtomicReference<>();
        onHost(AuditAction.POOL_DELETE, host, poolObject(host, pool)).check(() -> {
            facts.set(existingPool(host, pool));
            refuseInUse(host, facts.get(), List.of(), "deleted");
        }).execute(() -> gateway.deletePool(hostId, pool, DIRECTORY_POOLS.contains(facts.get().type())));
    }

    public VolumeView createVolume(long hostId, String pool, VolumeRequest request) {
        Host host = hosts.require(hostId);
        String format = request.format() == null ? "qcow2" : request.format();
        VolumeFacts made = onHost(AuditAction.VOLUME_CREATE, host, volumeObject(host, pool, request.name()))
                .check(() -> {
                    PoolFacts facts = requirePool(host, pool);
                    PoolChecks.name("name", request.name());
                    if (!FORMATS.contains(format)) {
                        throw VirtdeckException.invalid("format", "format is qcow2 or raw.");
                    }
                    if (request.sizeMiB() == null || request.sizeMiB() < 1
                            || request.sizeMiB() > facts.availableMiB()) {
                        throw VirtdeckException.invalid("sizeMiB", "sizeMiB must be between 1 and "
                                + facts.availableMiB() + " (what pool '" + pool + "' has free).");
                    }
                    if (gateway.volumes(hostId, pool).stream().anyMatch(v -> v.name().equals(request.name()))) {
                        throw VirtdeckException.conflict("Pool '" + pool + "' has a volume '" + request.name()
                                + "' already.");
                    }
                })
                .run(() -> Done.of(gateway.createVolume(hostId, pool,
                        new NewVolume(request.name(), request.sizeMiB(), format))));
        return new VolumeView(made.name(), made.format(), made.capacityMiB(), made.allocationMiB(), made.path(),
                List.of());
    }

    /** Grows a volume; refused while a guest uses it (a disk in use grows through its guest, not under it). */
    public VolumeView resizeVolume(long hostId, String pool, String volume, Long sizeMiB) {
        Host host = hosts.require(hostId);
        VolumeFacts grown = onHost(AuditAction.VOLUME_RESIZE, host, volumeObject(host, pool, volume)).check(() -> {
            PoolFacts facts = requirePool(host, pool);
            VolumeView found = unused(hostId, pool, volume, "resized");
            if (sizeMiB == null || sizeMiB <= found.capacityMiB() || sizeMiB - found.capacityMiB()
                    > facts.availableMiB() + found.capacityMiB() - found.allocationMiB()) {
                throw VirtdeckException.invalid("sizeMiB", "sizeMiB must be above the volume's "
                        + found.capacityMiB() + " MiB (volumes only grow here: shrinking cuts off data) and fit in"
                        + " pool '" + pool + "'.");
            }
        }).run(() -> Done.of(gateway.resizeVolume(hostId, pool, volume, sizeMiB)));
        return new VolumeView(grown.name(), grown.format(), grown.capacityMiB(), grown.allocationMiB(), grown.path(),
                List.of());
    }

    /** A full copy of a volume in the same pool, under a new name. */
    public VolumeView cloneVolume(long hostId, String pool, String volume, String name) {
        Host host = hosts.require(hostId);
        VolumeFacts copy = onHost(AuditAction.VOLUME_CLONE, host, volumeObject(host, pool, name)).check(() -> {
            requirePool(host, pool);
            PoolChecks.name("name", name);
            List<VolumeView> volumes = volumes(hostId, pool);
            if (volumes.stream().noneMatch(v -> v.name().equals(volume))) {
                throw VirtdeckException.notFound("Pool '" + pool + "' has no volume '" + volume + "'.");
            }
            if (volumes.stream().anyMatch(v -> v.name().equals(name))) {
                throw VirtdeckException.conflict("Pool '" + pool + "' has a volume '" + name + "' already.");
            }
        }).run(() -> Done.of(gateway.copyVolume(hostId, pool, volume, name)));
        return new VolumeView(copy.name(), copy.format(), copy.capacityMiB(), copy.allocationMiB(), copy.path(),
                List.of());
    }

    /** Refused (409) while a guest's disk is on it: deleting it would pull the disk from under the guest. */
    public void deleteVolume(long hostId, String pool, String volume) {
        Host host = hosts.require(hostId);
        onHost(AuditAction.VOLUME_DELETE, host, volumeObject(host, pool, volume))
                .check(() -> unused(hostId, pool, volume, "deleted"))
                .execute(() -> gateway.deleteVolume(hostId, pool, volume));
    }

    /** A change to the host's storage: permitted to those who may operate the host. */
    private ActionPlan onHost(AuditAction action, Host host, AuditObject subject) {
        return actions.plan(action, subject).permit(() -> permissions.requireHost(Action.OPERATE, host.id()));
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

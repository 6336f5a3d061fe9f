package io.virtdeck.guest.clone;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.stereotype.Component;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.cloudinit.CloudInitRequest;
import io.virtdeck.guest.cloudinit.CloudInitService;
import io.virtdeck.guest.GuestActions;
import io.virtdeck.guest.GuestNames;
import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.NetworkGateway;
import io.virtdeck.hypervisor.NicFacts;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.hypervisor.PooledVolume;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeStreamGateway;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.Host;

/**
 * Checks a clone against libvirt before anything is copied: the source is shut off (its disks do not change while
 * they are copied), the name is valid and free, every disk is a volume of a pool, and no copy's volume name is taken.
 * CD-ROMs are not copied: the clone shares the ISO image. A clone to another host also needs there, by the same names,
 * the pools (active, with room for the copies) and networks the source uses; disks that are overlays of other files
 * (linked clones) are not streamed alone.
 */
@Component
class GuestClonePlanner {

    /** Pool types whose volumes are files: only these hold the qcow2 volumes a linked clone needs. */
    private static final Set<String> FILE_POOLS = Set.of("dir", "fs", "netfs");

    private final DomainGateway domainGateway;
    private final StorageGateway storageGateway;
    private final VolumeStreamGateway streamGateway;
    private final NetworkGateway networkGateway;

    GuestClonePlanner(DomainGateway domainGateway, StorageGateway storageGateway, VolumeStreamGateway streamGateway,
                      NetworkGateway networkGateway) {
        this.domainGateway = domainGateway;
        this.storageGateway = storageGateway;
        this.streamGateway = streamGateway;
        this.networkGateway = networkGateway;
    }

    /**
     * @param linked linked clones (qcow2 backed by the source's volumes) or full copies; null: linked when every disk
     *               is qcow2 in a file pool. Only templates are linked to: a guest that runs would change its disks
     *               under its clones.
     */
    ClonePlan plan(Host host, Guest source, String name, Boolean linked, Host target, CloudInitRequest cloudInit) {
        if (target.maintenance()) {
            throw VirtdeckException.conflict("Host '" + target.name() + "' is in maintenance: it takes no new guests.");
        }
        boolean elsewhere = target.id() != host.id();
        if (elsewhere && Boolean.TRUE.equals(linked)) {
            throw VirtdeckException.invalid("linked", "A linked clone reads its template's volumes, so it is made on"
                    + " the template's host; make a full copy (linked: false) to put it on host '" + target.name()
                    + "'.");
        }
        DomainFacts live = domainGateway.domain(host.id(), source.uuid());
        if (live.state() != DomainRunState.SHUTOFF) {
            throw VirtdeckException.conflict("'" + source.name() + "' is " + GuestActions.describe(live.state())
                    + ": shut it down before copying it, so that its disks do not change while they are copied.");
        }
        String checked = GuestNames.check(name, domainGateway.listDomains(target.id()));
        List<PooledVolume> volumes = new ArrayList<>();
        List<DiskFacts> disks = live.disks().stream().filter(d -> "disk".equals(d.device())).toList();
        for (DiskFacts disk : disks) {
            volumes.add(volumeOf(host, source, disk));
        }
        boolean link = !elsewhere && linked(source, volumes, linked, host);
        if (elsewhere) {
            checkTarget(host, source, live, volumes, target);
        }
        List<ClonePlan.DiskCopy> copies = new ArrayList<>();
        for (int i = 0; i < disks.size(); i++) {
            PooledVolume from = volumes.get(i);
            String copyName = checked + "-" + disks.get(i).target() + extension(from, link);
            if (storageGateway.volume(target.id(), from.pool(), copyName).isPresent()) {
                throw VirtdeckException.conflict("name", "Pool '" + from.pool() + "' already has a volume named '"
                        + copyName + "' (left by an earlier guest?); delete it or choose another name.");
            }
            copies.add(new ClonePlan.DiskCopy(disks.get(i).target(), disks.get(i).source(), from.pool(),
                    from.volume(), copyName));
        }
        if (cloudInit != null && copies.isEmpty()) {
            throw VirtdeckException.invalid("cloudInit", "'" + source.name() + "' has no disk in a pool: cloud-init's"
                    + " seed goes beside the first disk.");
        }
        return new ClonePlan(host, source, target, checked, UUID.randomUUID(), link, copies,
                cloudInit == null ? null : CloudInitService.check(cloudInit, checked, live.nics().size()));
    }

    /** What another host must have for the clone: the source's pools (active, with room) and networks, by name. */
    private void checkTarget(Host host, Guest source, DomainFacts live, List<PooledVolume> volumes, Host target) {
        Map<String, PoolFacts> pools = new HashMap<>();
        storageGateway.pools(target.id()).forEach(p -> pools.put(p.name(), p));
        Map<String, Long> neededMiB = new HashMap<>();
        for (PooledVolume volume : volumes) {
            PoolFacts pool = pools.get(volume.pool());
            if (pool == null || !pool.active()) {
                throw VirtdeckException.conflict("hostId", "Host '" + target.name() + "' has no " + (pool == null ? ""
                        : "running ") + "pool '" + volume.pool() + "': the copy of " + volume.pool() + "/"
                        + volume.volume().name() + " goes to the pool of the same name there.");
            }
            storageGateway.volumeBackingFile(host.id(), volume.pool(), volume.volume().name()).ifPresent(backing -> {
                throw VirtdeckException.conflict("hostId", "Volume " + volume.pool() + "/" + volume.volume().name()
                        + " of '" + source.name() + "' is an overlay of " + backing + " (a linked clone): its bytes"
                        + " alone are no disk. Make a full copy on host '" + host.name() + "' first, then clone that.");
            });
            long bytes = streamGateway.volumeBytes(host.id(), volume.pool(), volume.volume().name());
            neededMiB.merge(volume.pool(), (bytes + (1 << 20) - 1) >> 20, Long::sum);
        }
        neededMiB.forEach((pool, mib) -> {
            if (mib > pools.get(pool).availableMiB()) {
                throw VirtdeckException.conflict("hostId", "Pool '" + pool + "' on host '" + target.name() + "' has "
                        + pools.get(pool).availableMiB() + " MiB free; the copies need " + mib + " MiB.");
            }
        });
        Set<String> networks = new HashSet<>();
        networkGateway.networks(target.id()).forEach(n -> networks.add(n.name()));
        for (NicFacts nic : live.nics()) {
            if ("network".equals(nic.type()) && !networks.contains(nic.source())) {
                throw VirtdeckException.conflict("hostId", "Host '" + target.name() + "' has no network '"
                        + nic.source() + "', which a network interface of '" + source.name() + "' is on.");
            }
        }
    }

    private PooledVolume volumeOf(Host host, Guest source, DiskFacts disk) {
        Optional<PooledVolume> volume = disk.source() == null ? Optional.empty()
                : storageGateway.diskVolume(host.id(), disk.source());
        return volume.orElseThrow(() -> VirtdeckException.conflict("Disk " + disk.target() + " of '" + source.name()
                + "' (" + (disk.source() == null ? "no source" : disk.source()) + ") is not a volume of a storage pool"
                + " on host '" + host.name() + "': Virtdeck copies pool volumes only."));
    }

    private boolean linked(Guest source, List<PooledVolume> volumes, Boolean asked, Host host) {
        if (Boolean.FALSE.equals(asked) || (asked == null && !source.template())) {
            return false;
        }
        if (!source.template()) {
            throw VirtdeckException.invalid("linked", "Only a template can be the base of linked clones: '"
                    + source.name() + "' is not one.");
        }
        Map<String, String> poolTypes = new HashMap<>();
        storageGateway.pools(host.id()).forEach(p -> poolTypes.put(p.name(), p.type()));
        for (PooledVolume volume : volumes) {
            boolean qcow2 = "qcow2".equals(volume.volume().format());
            boolean filePool = FILE_POOLS.contains(poolTypes.get(volume.pool()));
            if (asked == null && !(qcow2 && filePool)) {
                return false; // the default: linked only where every disk already is a qcow2 file
            }
            if (!filePool) {
                throw VirtdeckException.invalid("linked", "Volume " + volume.pool() + "/" + volume.volume().name()
                        + " is in a " + poolTypes.get(volume.pool()) + " pool, which holds no qcow2 volumes: create a"
                        + " full copy (linked: false).");
            }
        }
        return true;
    }

    /** The copy keeps the source's file extension; a linked clone is always qcow2. */
    private static String extension(PooledVolume from, boolean linked) {
        if (linked) {
            return ".qcow2";
        }
        String name = from.volume().name().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        if (dot > 0 && Set.of(".qcow2", ".img", ".raw").contains(name.substring(dot))) {
            return from.volume().name().substring(dot);
        }
        return "qcow2".equals(from.volume().format()) ? ".qcow2" : ".img";
    }
}

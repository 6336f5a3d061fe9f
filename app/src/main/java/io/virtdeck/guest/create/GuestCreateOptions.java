package io.virtdeck.guest.create;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.GuestPlatform;
import io.virtdeck.hypervisor.HostCpuOffer;
import io.virtdeck.hypervisor.HostGateway;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.inventory.Host;

/**
 * What the create page offers on one host: its active pools for new disks, the volumes no guest uses as a disk,
 * its ISO images for the CD-ROM, its networks, how guests are virtualized there (UEFI or not) and the CPUs it offers
 * them.
 */
public record GuestCreateOptions(Host host, GuestPlatform platform, List<PoolFacts> pools,
                                 List<VolumeChoice> diskVolumes, List<VolumeChoice> isoVolumes,
                                 List<String> networks, HostCpuOffer cpu) {

    /** A volume as the page lists it: {@code ref} is pool/volume, as the request names it. */
    public record VolumeChoice(String ref, String label) {
    }

    static GuestCreateOptions read(Host host, HostGateway hostGateway, DomainGateway domainGateway,
                                   StorageGateway storageGateway) {
        Set<String> inUse = new HashSet<>();
        for (DomainFacts domain : domainGateway.listDomains(host.id())) {
            domain.disks().stream().filter(d -> "disk".equals(d.device())).map(DiskFacts::source).forEach(inUse::add);
        }
        List<PoolFacts> pools = storageGateway.pools(host.id()).stream().filter(PoolFacts::active).toList();
        List<VolumeChoice> disks = new ArrayList<>();
        List<VolumeChoice> isos = new ArrayList<>();
        for (PoolFacts pool : pools) {
            for (VolumeFacts volume : storageGateway.volumes(host.id(), pool.name())) {
                VolumeChoice choice = new VolumeChoice(pool.name() + "/" + volume.name(), pool.name() + "/"
                        + volume.name() + " (" + GuestPlan.size(volume.capacityMiB()) + ")");
                if (volume.iso()) {
                    isos.add(choice);
                } else if (!inUse.contains(volume.path())) {
                    disks.add(choice);
                }
            }
        }
        return new GuestCreateOptions(host, hostGateway.guestPlatform(host.id()), pools, disks, isos,
                List.copyOf(hostGateway.resources(host.id()).networks().keySet()), hostGateway.cpuOffer(host.id(), null));
    }
}

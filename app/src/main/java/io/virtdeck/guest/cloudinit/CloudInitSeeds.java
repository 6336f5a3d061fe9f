package io.virtdeck.guest.cloudinit;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.DeviceGateway;
import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.NicFacts;
import io.virtdeck.hypervisor.PooledVolume;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeStreamGateway;
import io.virtdeck.inventory.Host;
import io.virtdeck.undo.MadeSoFar;

/**
 * Puts a guest's NoCloud seed on its host: the image is made in Virtdeck's memory (a few KiB), streamed through
 * libvirt into a new volume of the pool of the guest's first disk and put in a CD-ROM of the guest's definition, so a
 * host needs nothing installed. Each seed is a new volume ({@code <guest>-cidata-<instance>.iso}): a new seed replaces
 * the old one in the CD-ROM only once it is whole, and the old one is then deleted.
 */
@Component
class CloudInitSeeds {

    /** A seed's CD-ROM source as libvirt reports a pool's volume: pool/guest-cidata-instance.iso. */
    private static final Pattern SEED = Pattern.compile("([^/]+)/(.+-cidata-[0-9a-f]{8}\\.iso)");

    private final DomainGateway domains;
    private final DeviceGateway devices;
    private final StorageGateway storage;
    private final VolumeStreamGateway streams;

    CloudInitSeeds(DomainGateway domains, DeviceGateway devices, StorageGateway storage,
                   VolumeStreamGateway streams) {
        this.domains = domains;
        this.devices = devices;
        this.storage = storage;
        this.streams = streams;
    }

    /**
     * Writes the plan's seed for the shut-off guest and puts it in its CD-ROM: in place of {@code replaced} (left for
     * the caller to delete), else of a seed the guest has from its template (the template keeps it), else in a new
     * CD-ROM. The new volume is recorded in {@code made} before it is made, so that a failure (or a Virtdeck killed
     * meanwhile) takes it back.
     */
    SeedVolume write(Host host, UUID uuid, String guestName, CloudInitPlan plan, SeedVolume replaced,
                     MadeSoFar made) {
        DomainFacts domain = domains.domain(host.id(), uuid);
        SeedVolume swapped = replaced != null ? replaced : inheritedSeed(domain).orElse(null);
        List<String> macs = domain.nics().stream().map(NicFacts::mac).toList();
        byte[] image = CidataImage.write(CidataImage.NOCLOUD_LABEL, NoCloudSeed.files(plan, macs));
        String pool = pool(host, domain, guestName);
        String name = guestName + "-cidata-" + plan.instanceId().substring(plan.instanceId().length() - 8) + ".iso";
        made.volume(host, pool, name, () -> streams.createUploadTarget(host.id(), pool, name, image.length));
        streams.uploadVolume(host.id(), pool, name, new ByteArrayInputStream(image), image.length, bytes -> { });
        if (swapped == null) {
            devices.attachCdrom(host.id(), uuid, pool, name);
        } else {
            devices.changeCdrom(host.id(), uuid, swapped.pool(), swapped.volume(), pool, name);
        }
        return new SeedVolume(pool, name);
    }

    /** A CD-ROM holding a seed Virtdeck wrote for another guest: a copy of a template made with cloud-init. */
    private static Optional<SeedVolume> inheritedSeed(DomainFacts domain) {
        return domain.disks().stream()
                .filter(disk -> "cdrom".equals(disk.device()) && disk.source() != null)
                .map(disk -> SEED.matcher(disk.source()))
                .filter(Matcher::matches)
                .map(seed -> new SeedVolume(seed.group(1), seed.group(2)))
                .findFirst();
    }

    /** Deletes a seed volume; a volume already gone counts as deleted. */
    void delete(long hostId, SeedVolume seed) {
        try {
            storage.deleteVolume(hostId, seed.pool(), seed.volume());
        } catch (HypervisorException e) {
            if (e.kind() != HypervisorException.Kind.NOT_FOUND) {
                throw e;
            }
        }
    }

    /** The seed goes beside the guest's first disk: a pool the guest's host has and the guest already uses. */
    private String pool(Host host, DomainFacts domain, String guestName) {
        return domain.disks().stream()
                .filter(disk -> "disk".equals(disk.device()) && disk.source() != null)
                .map(DiskFacts::source)
                .map(source -> storage.diskVolume(host.id(), source).map(PooledVolume::pool))
                .flatMap(Optional::stream)
                .findFirst()
                .orElseThrow(() -> new HypervisorException(HypervisorException.Kind.INVALID_STATE, "'" + guestName
                        + "' has no disk in a storage pool of host '" + host.name() + "' to put its cloud-init seed"
                        + " beside"));
    }
}

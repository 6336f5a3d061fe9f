package io.virtdeck.guest;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.inventory.Host;

/**
 * What a guest create or clone has made on its host so far (new volumes, the new definition), so that a failure at a
 * later step can take it all back: a failed create or clone leaves nothing on the host, or names what it could not
 * remove.
 */
public final class MadeOnHost {

    private static final Logger log = LoggerFactory.getLogger(MadeOnHost.class);

    private final DomainGateway domainGateway;
    private final StorageGateway storageGateway;
    private final Host host;
    private final String guestName;
    /** "pool/volume" of each volume made, the last one first: the order to delete them in. */
    private final List<String[]> volumes = new ArrayList<>();
    private UUID defined;

    public MadeOnHost(DomainGateway domainGateway, StorageGateway storageGateway, Host host, String guestName) {
        this.domainGateway = domainGateway;
        this.storageGateway = storageGateway;
        this.host = host;
        this.guestName = guestName;
    }

    public void volume(String pool, String name) {
        volumes.add(0, new String[] {pool, name});
    }

    public void defined(UUID uuid) {
        defined = uuid;
    }

    /** Takes back what was made; says whether anything is left behind, for the person to clean up. */
    public String undo() {
        List<String> left = new ArrayList<>();
        if (defined != null) {
            try {
                domainGateway.undefine(host.id(), defined, false);
            } catch (HypervisorException e) {
                log.warn("{}: the half-made guest could not be undefined: {}", guestName, e.getMessage());
                left.add("the guest definition '" + guestName + "'");
            }
        }
        for (String[] volume : volumes) {
            try {
                storageGateway.deleteVolume(host.id(), volume[0], volume[1]);
            } catch (HypervisorException e) {
                if (e.kind() == HypervisorException.Kind.NOT_FOUND) {
                    continue; // a copy that failed is removed by libvirt itself
                }
                log.warn("{}: volume {}/{} could not be deleted: {}", guestName, volume[0], volume[1], e.getMessage());
                left.add("volume " + volume[0] + "/" + volume[1]);
            }
        }
        return left.isEmpty() ? "Nothing was left behind on host '" + host.name() + "'."
                : "Left behind on host '" + host.name() + "', to remove by hand: " + String.join(", ", left) + ".";
    }
}

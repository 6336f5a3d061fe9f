package io.virtdeck.guest.cpu;

import org.springframework.stereotype.Service;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.HostCpuOffer;
import io.virtdeck.hypervisor.HostGateway;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;

/** The CPUs a host can give new guests: what the create and configure forms offer, and what their requests may ask. */
@Service
public class HostCpuModels {

    private final HostRepository hosts;
    private final HostGateway gateway;
    private final Permissions permissions;

    HostCpuModels(HostRepository hosts, HostGateway gateway, Permissions permissions) {
        this.hosts = hosts;
        this.gateway = gateway;
        this.permissions = permissions;
    }

    /**
     * @param domainType kvm, qemu, ...: the kind of guest asked about; null for the kind new guests get there
     */
    public HostCpuOffer offer(long hostId, String domainType) {
        permissions.requireHost(Action.READ_HOST, hostId);
        Host host = hosts.findById(hostId)
                .orElseThrow(() -> VirtdeckException.notFound("There is no host with id " + hostId + "."));
        if (domainType != null && !domainType.matches("[a-z]{1,16}")) {
            throw VirtdeckException.invalid("domainType", "domainType is a libvirt domain type such as kvm or qemu.");
        }
        return gateway.cpuOffer(host.id(), domainType);
    }
}

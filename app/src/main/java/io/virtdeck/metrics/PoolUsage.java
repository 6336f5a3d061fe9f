package io.virtdeck.metrics;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.virtdeck.hypervisor.ConnectionState;
import io.virtdeck.hypervisor.HypervisorException;
import io.virtdeck.hypervisor.HypervisorGateway;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every connected host's storage pools as last read, for the capacity dashboard: it must answer at once for hundreds
 * of hosts, so it never asks libvirt itself. A host that stops answering keeps its last figures until it is removed.
 */
@Component
class PoolUsage {

    private final HypervisorGateway gateway;
    private final HostRepository hosts;
    private final Map<Long, List<PoolFacts>> lastRead = new ConcurrentHashMap<>();

    PoolUsage(HypervisorGateway gateway, HostRepository hosts) {
        this.gateway = gateway;
        this.hosts = hosts;
    }

    @Scheduled(fixedDelayString = "${virtdeck.metrics.pools-interval:1m}", initialDelayString = "5s")
    void refresh() {
        List<Host> all = hosts.findAll();
        lastRead.keySet().retainAll(Set.copyOf(all.stream().map(Host::id).toList()));
        for (Host host : all) {
            if (gateway.state(host.id()) != ConnectionState.CONNECTED) {
                continue;
            }
            try {
                lastRead.put(host.id(), gateway.pools(host.id()));
            } catch (HypervisorException e) {
                // keeps the last figures; the host's state tells the reader it is not current
            }
        }
    }

    List<PoolFacts> of(long hostId) {
        return lastRead.getOrDefault(hostId, List.of());
    }
}

package io.virtdeck.migration;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.springframework.stereotype.Component;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.ConnectionGateway;
import io.virtdeck.hypervisor.HostGateway;
import io.virtdeck.hypervisor.MigrationNeeds;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;

/**
 * Where a running guest should go when its host empties, or where a guest whose host was lost should start again:
 * among the hosts it can move to, the one with the most free memory now. Asked again for each guest, after the
 * previous one has landed, so load spreads across hosts.
 */
@Component
public class Placement {

    private final HostRepository hosts;
    private final HostGateway hostGateway;
    private final ConnectionGateway connectionGateway;
    private final MigrationChecks checks;

    Placement(HostRepository hosts, HostGateway hostGateway, ConnectionGateway connectionGateway,
              MigrationChecks checks) {
        this.hosts = hosts;
        this.hostGateway = hostGateway;
        this.connectionGateway = connectionGateway;
        this.checks = checks;
    }

    /** The chosen host, or why none fits. */
    public record Choice(Optional<Host> host, List<String> reasons) {
    }

    /** The host with the most free memory that can take the guest live, or why none can. */
    public Choice choose(Guest guest) {
        return choose(guest, checks.needsOf(guest), false, Map.of());
    }

    /**
     * Where to start a guest whose host was lost, by the needs its kept definition states: a host with its networks,
     * its pools holding its volumes (shared storage) and room for its memory.
     */
    public Choice chooseForRestart(Guest guest, MigrationNeeds needs, Map<Long, Long> reservedMiB) {
        return choose(guest, needs, true, reservedMiB);
    }

    /**
     * @param reservedMiB memory already promised on hosts (by id) to guests placed moments ago, which their free
     *                    memory does not show yet: restarts placed one after another spread instead of herding
     */
    private Choice choose(Guest guest, MigrationNeeds needs, boolean volumesMustBeThere, Map<Long, Long> reservedMiB) {
        List<String> reasons = new ArrayList<>();
        LinkedHashMap<Long, Long> fits = new LinkedHashMap<>();
        Map<Long, Host> byId = new HashMap<>();
        for (Host host : hosts.findAll()) {
            if (host.id() == guest.hostId()) {
                continue;
            }
            Optional<String> refusal = MigrationService.refusal(host, connectionGateway);
            if (refusal.isPresent()) {
                reasons.add(refusal.get());
                continue;
            }
            List<String> problems = new ArrayList<>(checks.problems(guest, needs, host, true));
            if (volumesMustBeThere && problems.isEmpty()) {
                problems.addAll(checks.missingVolumes(needs, host));
            }
            if (!problems.isEmpty()) {
                reasons.addAll(problems);
                continue;
            }
            try {
                fits.put(host.id(), hostGateway.resources(host.id()).freeMemoryMiB()
                        - reservedMiB.getOrDefault(host.id(), 0L));
                byId.put(host.id(), host);
            } catch (HypervisorException e) {
                reasons.add("host '" + host.name() + "' cannot be read: " + e.getMessage());
            }
        }
        if (fits.isEmpty() && reasons.isEmpty()) {
            reasons.add("there is no other host");
        }
        // the checks above have judged each host's room: the rule only picks among them
        OptionalLong chosen = new MemoryPlacement(fits).roomiest();
        return new Choice(chosen.isPresent() ? Optional.of(byId.get(chosen.getAsLong())) : Optional.empty(), reasons);
    }
}

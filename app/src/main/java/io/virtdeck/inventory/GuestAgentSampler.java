package io.virtdeck.inventory;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import io.virtdeck.ThreadPools;
import io.virtdeck.core.DatabaseOutage;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.ConnectionGateway;
import io.virtdeck.hypervisor.GuestAgentFacts;
import io.virtdeck.hypervisor.GuestAgentGateway;

/**
 * Keeps the inventory's record of the guests' agents fresh: on an interval, for every host this instance monitors
 * (holds the lease of), asks the agents of its running guests whose agent channel is connected, records the answers
 * (addresses for the list and its search) and forgets the addresses of guests that stopped.
 */
@Component
class GuestAgentSampler {

    private static final Logger log = LoggerFactory.getLogger(GuestAgentSampler.class);

    private final ConnectionGateway connectionGateway;
    private final GuestAgentGateway agentGateway;
    private final HostRepository hosts;
    private final GuestRepository guests;
    private final GuestAgentAnswers answers;
    private final TaskExecutor workers;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();

    GuestAgentSampler(ConnectionGateway connectionGateway, GuestAgentGateway agentGateway, HostRepository hosts,
                      GuestRepository guests, GuestAgentAnswers answers,
                      @Qualifier(ThreadPools.GUEST_AGENT_READERS) TaskExecutor workers) {
        this.connectionGateway = connectionGateway;
        this.agentGateway = agentGateway;
        this.hosts = hosts;
        this.guests = guests;
        this.answers = answers;
        this.workers = workers;
    }

    @Scheduled(fixedDelayString = "${virtdeck.guest-agent.interval:30s}",
            initialDelayString = "${virtdeck.guest-agent.interval:30s}")
    void sampleAll() {
        for (Host host : hosts.findAll()) {
            long hostId = host.id();
            // a host still being read from the previous round is not asked twice
            if (connectionGateway.monitoring(hostId) && inFlight.add(hostId)) {
                workers.execute(() -> {
                    try {
                        sampleHost(hostId);
                    } catch (HypervisorException e) {
                        log.debug("reading the guest agents of host {} failed: {}", hostId, e.getMessage());
                    } catch (RuntimeException e) {
                        if (!DatabaseOutage.causedBy(e)) {
                            throw e;
                        }
                        log.debug("reading the guest agents of host {} skipped: the database is unreachable", hostId);
                    } finally {
                        inFlight.remove(hostId);
                    }
                });
            }
        }
    }

    /** Reads the agents of one host's running guests now and records what they say. */
    void sampleHost(long hostId) {
        Map<UUID, GuestAgentFacts> read = agentGateway.readRunning(hostId);
        Map<UUID, Long> ids = guests.idsByUuidOn(hostId);
        read.forEach((uuid, facts) -> {
            Long guestId = ids.get(uuid);
            if (guestId != null) {
                answers.record(guestId, facts);
            }
        });
        answers.forgetStopped(hostId);
    }
}

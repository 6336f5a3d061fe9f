package io.virtdeck.inventory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.task.TaskExecutor;
import org.springframework.stereotype.Component;
import io.virtdeck.ThreadPools;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.GuestAgentFacts;
import io.virtdeck.hypervisor.GuestAgentGateway;

/**
 * Reading a guest's agent for a page, the API or an action, waited for a few seconds at most: an answer is recorded
 * (its addresses for the list), a silence is told with the time of the last answer.
 */
@Component
public class GuestAgents {

    /**
     * How long a page, the API or an action waits for a guest agent. libvirt gives a silent agent 5 s to answer its
     * synchronisation, and more when other calls queue on the same agent: the reading then ends on its own thread.
     */
    static final Duration WAIT = Duration.ofSeconds(3);

    private final GuestAgentGateway gateway;
    private final GuestAgentAnswers answers;
    private final TaskExecutor calls;

    GuestAgents(GuestAgentGateway gateway, GuestAgentAnswers answers,
                @Qualifier(ThreadPools.GUEST_AGENT_CALLS) TaskExecutor calls) {
        this.gateway = gateway;
        this.answers = answers;
        this.calls = calls;
    }

    /** The agent's answer, or NOT_ANSWERING when none came within {@link #WAIT}. No permission is checked here. */
    public GuestAgentFacts read(Guest guest) {
        CompletableFuture<GuestAgentFacts> reading = CompletableFuture.supplyAsync(
                () -> gateway.read(guest.hostId(), guest.uuid()), calls);
        GuestAgentFacts facts;
        try {
            facts = reading.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            facts = GuestAgentFacts.without(GuestAgentFacts.State.NOT_ANSWERING,
                    "no answer within " + WAIT.toSeconds() + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HypervisorException hypervisor) {
                throw hypervisor;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the guest agent", e);
        }
        if (facts.answering()) {
            answers.record(guest.id(), facts);
            return facts;
        }
        return facts.lastAnsweredAt(answers.lastAnswer(guest.id()).orElse(null));
    }
}

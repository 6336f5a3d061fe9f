package io.virtdeck.hypervisor;

import java.util.Map;
import java.util.UUID;

/**
 * The guests' qemu-guest-agents, through libvirt. Each agent is first asked who it is with a timeout of a few
 * seconds, and only an agent that answered is asked more: a silent agent costs one short wait, never a page's or an
 * action's whole time.
 */
public interface GuestAgentGateway {

    /** What the guest's agent says now: its state, and for an answering agent its addresses, OS, file systems. */
    GuestAgentFacts read(long hostId, UUID uuid);

    /**
     * The answers of the host's running guests whose agent channel is connected (an agent opened it), by domain UUID;
     * guests with no channel or a disconnected one are left out, those whose agent was silent are NOT_ANSWERING.
     */
    Map<UUID, GuestAgentFacts> readRunning(long hostId);

    /**
     * Asks the guest's agent to shut the guest down (for a guest that does not answer the ACPI power button); the guest
     * then goes down as from its own shutdown command. The caller makes sure the agent answers first: libvirt waits on
     * a silent one.
     */
    void shutdown(long hostId, UUID uuid);

    /**
     * Thaws the guest's file systems through its agent (virDomainFSThaw) when the agent answers the short question
     * first; a thaw is harmless when nothing is frozen. Never waits on a silent agent beyond that question.
     */
    Thaw thawFileSystems(long hostId, UUID uuid);

    /**
     * What a thaw came to. {@code agent}: ANSWERING when the agent was asked to thaw ({@code thawed} file systems,
     * 0 when none was frozen; {@code problem} when the thaw itself failed); otherwise why it was not asked
     * (NOT_CONFIGURED, NOT_RUNNING, NOT_ANSWERING with {@code problem}).
     */
    record Thaw(GuestAgentFacts.State agent, int thawed, String problem) {
    }
}

package io.virtdeck.guest.snapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;

import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.GuestAgentFacts;
import io.virtdeck.hypervisor.GuestAgentGateway.Thaw;
import io.virtdeck.hypervisor.SnapshotFacts;
import io.virtdeck.hypervisor.SnapshotTaken;
import io.virtdeck.inventory.Guest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a snapshot says about its file systems (frozen, or why not), and the thaw after a revert: asked again while the
 * agent comes back, given up on after the bounded wait with how to thaw by hand.
 */
class SnapshotFreezeTest {

    private static final SnapshotFacts FACTS = new SnapshotFacts("s1", null, null, Instant.now(), "running", true, true,
            false, null);
    private static final Guest GUEST = new Guest(1, "debian12", UUID.randomUUID(), 1, "lab1", DomainRunState.RUNNING,
            1, 512, false, true, false, "hvm", List.of(), List.of(), List.of(), null, Instant.now(), false,
            false);

    @Test
    void aFrozenSnapshotSaysFileSystemsFrozenWithTheCountAndThawed() {
        assertThat(GuestSnapshotService.consistency(GUEST, DomainRunState.RUNNING,
                new SnapshotTaken(FACTS, 2, 412, null, null)))
                .isEqualTo("file systems frozen (2) by the guest agent for the snapshot, 412 ms, thawed after");
        assertThat(GuestSnapshotService.consistency(GUEST, DomainRunState.RUNNING,
                new SnapshotTaken(FACTS, 2, 412, null, "Guest agent is not responding")))
                .startsWith("file systems frozen (2)")
                .contains("thawing them failed (Guest agent is not responding): they may still be frozen")
                .endsWith("'virsh domfsthaw debian12'");
    }

    @Test
    void anUnfrozenSnapshotSaysCrashConsistentAndWhy() {
        assertThat(GuestSnapshotService.consistency(GUEST, DomainRunState.RUNNING, new SnapshotTaken(FACTS, 0, 0,
                "no guest agent answered: not frozen (the guest has no guest agent channel)", null)))
                .isEqualTo("crash-consistent, no guest agent answered: not frozen (the guest has no guest agent"
                        + " channel)");
        assertThat(GuestSnapshotService.consistency(GUEST, DomainRunState.PAUSED, SnapshotTaken.unfrozen(FACTS)))
                .startsWith("crash-consistent, the guest is paused: not frozen");
        assertThat(GuestSnapshotService.consistency(GUEST, DomainRunState.SHUTOFF, SnapshotTaken.unfrozen(FACTS)))
                .isEqualTo("the guest is shut off: its disks are at rest");
    }

    @Test
    void theThawAfterARevertIsAskedAgainWhileTheAgentComesBack() {
        ArrayDeque<Thaw> answers = new ArrayDeque<>(List.of(
                new Thaw(GuestAgentFacts.State.NOT_ANSWERING, 0, "Guest agent is not responding"),
                new Thaw(GuestAgentFacts.State.NOT_ANSWERING, 0, "Guest agent is not responding"),
                new Thaw(GuestAgentFacts.State.ANSWERING, 2, null)));
        assertThat(GuestSnapshotService.thawAfterRevert("debian12", answers::poll, Duration.ofSeconds(5),
                Duration.ofMillis(1))).isEqualTo("file systems thawed (2) by the guest agent after the revert");
        assertThat(answers).isEmpty();

        assertThat(GuestSnapshotService.thawAfterRevert("debian12",
                () -> new Thaw(GuestAgentFacts.State.ANSWERING, 0, null), Duration.ofSeconds(5), Duration.ofMillis(1)))
                .isEqualTo("the guest agent answered after the revert: no file system frozen");
        assertThat(GuestSnapshotService.thawAfterRevert("debian12",
                () -> new Thaw(GuestAgentFacts.State.NOT_CONFIGURED, 0, null), Duration.ofSeconds(5),
                Duration.ofMillis(1))).isNull();
    }

    @Test
    void anAgentThatNeverAnswersEndsTheWaitAndSaysHowToThaw() {
        long started = System.nanoTime();
        String said = GuestSnapshotService.thawAfterRevert("debian12",
                () -> new Thaw(GuestAgentFacts.State.NOT_ANSWERING, 0, "Guest agent is not responding"),
                Duration.ofMillis(300), Duration.ofMillis(50));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(said).startsWith("no guest agent answered within 0 s (Guest agent is not responding): if the"
                + " snapshot was taken with file systems frozen, they may still be frozen")
                .endsWith("thaw them with 'virsh domfsthaw debian12' once its guest agent answers");
    }
}

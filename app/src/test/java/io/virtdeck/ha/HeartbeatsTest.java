package io.virtdeck.ha;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision on a silent host, round after round, with the heartbeat file's time given by hand (the test driver's
 * pools keep no file times; the lab proves the reading itself): the connection's grace alone without a heartbeat pool;
 * with one, a heartbeat still written, or one nobody can read, keeps the host undeclared, and one unwritten for the
 * grace (as seen by Virtdeck, whatever the hosts' clocks say) agrees.
 */
class HeartbeatsTest {

    private static final Instant SILENT = Instant.parse("2026-12-07T10:00:00Z");
    private static final Host LAB1 = new Host(1, "lab1", "qemu+tcp://127.0.0.1:16601/system", HostState.UNREACHABLE,
            "connection refused", SILENT, 2, 2048L, 1, false, null, null);

    private final AtomicReference<Heartbeats.Reading> reading = new AtomicReference<>();

    private Heartbeats heartbeats(String pool) {
        return new Heartbeats(new HaProperties(Duration.ofSeconds(10), Duration.ofSeconds(2), pool),
                (host, name) -> {
                    assertThat(name).isEqualTo(pool);
                    return reading.get();
                });
    }

    private static Instant at(int seconds) {
        return SILENT.plusSeconds(seconds);
    }

    @Test
    void withoutAHeartbeatPoolTheGraceAloneDecides() {
        Heartbeats heartbeats = heartbeats(null);
        Heartbeats.Verdict early = heartbeats.judge(LAB1, at(4));
        assertThat(early.lost()).isFalse();
        assertThat(early.words()).isEqualTo("Host 'lab1' has not answered for 4 s; it is declared lost after 10 s.");
        assertThat(heartbeats.judge(LAB1, at(10))).isEqualTo(new Heartbeats.Verdict(true,
                "Host 'lab1' has not answered for 10 s: declared lost."));
    }

    @Test
    void aHeartbeatStillWrittenKeepsTheHostUndeclaredLongAfterTheGrace() {
        Heartbeats heartbeats = heartbeats("shared");
        // the host's clock is an hour behind Virtdeck's: only whether the time moves counts
        Instant hostClock = SILENT.minus(Duration.ofHours(1));
        for (int second = 2; second <= 40; second += 2) {
            reading.set(new Heartbeats.Reading(hostClock.plusSeconds(second), "lab2", null));
            Heartbeats.Verdict verdict = heartbeats.judge(LAB1, at(second));
            assertThat(verdict.lost()).as("at %d s", second).isFalse();
            if (second > 2) {
                assertThat(verdict.words()).isEqualTo("Host 'lab1' has not answered for " + second + " s, but its"
                        + " heartbeat on pool 'shared' was written within the last 2 s (read through 'lab2'): its"
                        + " guests may still run, so they are not restarted. If it is down, confirm it.");
            }
        }
    }

    @Test
    void aHeartbeatUnwrittenForTheGraceAgreesThatTheHostIsLost() {
        Heartbeats heartbeats = heartbeats("shared");
        // its last beat shortly before the connection failed; the host's clock an hour ahead
        reading.set(new Heartbeats.Reading(SILENT.plus(Duration.ofHours(1)).minusSeconds(1), "lab2", null));
        Heartbeats.Verdict first = heartbeats.judge(LAB1, at(2));
        assertThat(first.lost()).isFalse();
        assertThat(first.words()).isEqualTo("Host 'lab1' has not answered for 2 s; its heartbeat on pool 'shared'"
                + " (read through 'lab2') is watched: it is declared lost once that has not been written for 10 s.");
        Heartbeats.Verdict waiting = heartbeats.judge(LAB1, at(10));
        assertThat(waiting.lost()).as("connection gone, heartbeat unwritten for 8 s only").isFalse();
        assertThat(waiting.words()).isEqualTo("Host 'lab1' has not answered for 10 s; its heartbeat on pool 'shared'"
                + " has not been written for 8 s (read through 'lab2'): it is declared lost once both last 10 s.");
        assertThat(heartbeats.judge(LAB1, at(12))).isEqualTo(new Heartbeats.Verdict(true, "Host 'lab1' has not"
                + " answered for 12 s and its heartbeat on pool 'shared' has not been written for 10 s (read through"
                + " 'lab2'): declared lost."));
    }

    @Test
    void aHeartbeatNobodyCanReadKeepsTheHostUndeclared() {
        Heartbeats heartbeats = heartbeats("shared");
        reading.set(Heartbeats.Reading.unreadable("host 'lab2': libvirt no longer knows this object: no storage pool"
                + " with matching name 'shared'"));
        for (int second = 2; second <= 60; second += 2) {
            assertThat(heartbeats.judge(LAB1, at(second)).lost()).as("at %d s", second).isFalse();
        }
        assertThat(heartbeats.judge(LAB1, at(62)).words()).isEqualTo("Host 'lab1' has not answered for 62 s, but its"
                + " heartbeat on pool 'shared' cannot be read: host 'lab2': libvirt no longer knows this object: no"
                + " storage pool with matching name 'shared'. It is not declared lost: its guests may still run. If it"
                + " is down, confirm it.");
    }

    @Test
    void aHostThatAnsweredInBetweenIsWatchedAfresh() {
        Heartbeats heartbeats = heartbeats("shared");
        reading.set(new Heartbeats.Reading(SILENT, "lab2", null));
        heartbeats.judge(LAB1, at(2));
        heartbeats.forget(LAB1.id());
        assertThat(heartbeats.judge(LAB1, at(30)).words()).contains("is watched");
        assertThat(heartbeats.judge(LAB1, at(39)).lost()).isFalse();
        assertThat(heartbeats.judge(LAB1, at(40)).lost()).isTrue();
    }
}

package io.virtdeck.ha;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.inventory.HostState;

/**
 * Whether a host that does not answer is lost: its connection silent for the grace and, where a heartbeat pool is set,
 * the second signal agreeing. Each host runs scripts/virtdeck-heartbeat.sh, which rewrites the file
 * {@code virtdeck-heartbeat-<host name>} in that pool every few seconds; a host whose libvirtd (or management network)
 * died while the host itself runs keeps writing it. The file's time is read through another host that answers, and
 * compared only with itself: the heartbeat is stale once Virtdeck has seen the same time for the whole grace, so the
 * hosts' clocks and Virtdeck's need not agree. A heartbeat nobody can read leaves the host undeclared (the
 * administrator's confirmation is the way out): not knowing is no reason to start a guest twice.
 */
@Component
class Heartbeats {

    static final String FILE_PREFIX = "virtdeck-heartbeat-";

    /** What one round concludes about a silent host, in an operator's words. */
    record Verdict(boolean lost, String words) {
    }

    /** The heartbeat file's time, read through host {@code through}; or, when no host could read it, why. */
    record Reading(Instant writtenAt, String through, String problem) {

        static Reading unreadable(String problem) {
            return new Reading(null, null, problem);
        }
    }

    /** Reads a silent host's heartbeat through some other host. */
    @FunctionalInterface
    interface Reader {
        Reading read(Host silent, String pool);
    }

    /** The heartbeat's time as last read, since when it has read the same, and when it was read. */
    private record Seen(Instant writtenAt, Instant sameSince, Instant readAt) {
    }

    private final HaProperties properties;
    private final Reader reader;
    private final Map<Long, Seen> seen = new ConcurrentHashMap<>();

    @Autowired
    Heartbeats(HaProperties properties, HostRepository hosts, StorageGateway storage) {
        this(properties, (silent, pool) -> readThroughOthers(silent, pool, hosts, storage));
    }

    Heartbeats(HaProperties properties, Reader reader) {
        this.properties = properties;
        this.reader = reader;
    }

    /** Judges a host that does not answer, silent since {@code host.stateChangedAt()}; reads its heartbeat if set. */
    Verdict judge(Host host, Instant now) {
        Duration grace = properties.grace();
        long silent = Duration.between(host.stateChangedAt(), now).toSeconds();
        boolean connectionGone = !host.stateChangedAt().plus(grace).isAfter(now);
        String name = "'" + host.name() + "'";
        String silence = "Host " + name + " has not answered for " + silent + " s";
        if (properties.heartbeatPool() == null) {
            return connectionGone ? new Verdict(true, silence + ": declared lost.")
                    : new Verdict(false, silence + "; it is declared lost after " + grace.toSeconds() + " s.");
        }
        String pool = "pool '" + properties.heartbeatPool() + "'";
        Reading reading = reader.read(host, properties.heartbeatPool());
        if (reading.writtenAt() == null) {
            seen.remove(host.id());
            return new Verdict(false, silence + ", but its heartbeat on " + pool + " cannot be read: "
                    + reading.problem() + ". It is not declared lost: its guests may still run. If it is down,"
                    + " confirm it.");
        }
        Seen before = seen.get(host.id());
        String through = "(read through '" + reading.through() + "')";
        if (before == null || !before.writtenAt().equals(reading.writtenAt())) {
            seen.put(host.id(), new Seen(reading.writtenAt(), now, now));
            if (before == null) {
                return new Verdict(false, silence + "; its heartbeat on " + pool + " " + through + " is watched: it is"
                        + " declared lost once that has not been written for " + grace.toSeconds() + " s.");
            }
            long within = Math.max(1, Duration.between(before.readAt(), now).toSeconds());
            return new Verdict(false, silence + ", but its heartbeat on " + pool + " was written within the last "
                    + within + " s " + through + ": its guests may still run, so they are not restarted. If it is"
                    + " down, confirm it.");
        }
        seen.put(host.id(), new Seen(before.writtenAt(), before.sameSince(), now));
        Duration unwritten = Duration.between(before.sameSince(), now);
        String stale = "its heartbeat on " + pool + " has not been written for " + unwritten.toSeconds() + " s "
                + through;
        if (connectionGone && unwritten.compareTo(grace) >= 0) {
            return new Verdict(true, silence + " and " + stale + ": declared lost.");
        }
        return new Verdict(false, silence + "; " + stale + ": it is declared lost once both last "
                + grace.toSeconds() + " s.");
    }

    /** The host answers again: its heartbeat is watched afresh next time. */
    void forget(long hostId) {
        seen.remove(hostId);
    }

    /** The heartbeat's time through the first other answering host whose pool holds the file, or why none could. */
    private static Reading readThroughOthers(Host silent, String pool, HostRepository hosts, StorageGateway storage) {
        String file = FILE_PREFIX + silent.name();
        List<String> problems = new ArrayList<>();
        for (Host other : hosts.findAll()) {
            if (other.id() == silent.id()
                    || (other.state() != HostState.CONNECTED && other.state() != HostState.MAINTENANCE)) {
                continue;
            }
            try {
                Optional<Instant> written = storage.volumeWrittenAt(other.id(), pool, file);
                if (written.isPresent()) {
                    return new Reading(written.get(), other.name(), null);
                }
                problems.add("host '" + other.name() + "' has no file " + file + " there");
            } catch (HypervisorException e) {
                problems.add("host '" + other.name() + "': " + HypervisorErrors.message(e));
            }
        }
        return Reading.unreadable(problems.isEmpty() ? "no other host answers" : String.join("; ", problems));
    }
}

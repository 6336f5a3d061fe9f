package io.virtdeck.undo;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.virtdeck.core.HypervisorException;
import io.virtdeck.inventory.Host;

/**
 * What one run of an action has made so far (new volumes, a definition, a snapshot, staged files), each recorded in
 * the database before it is made. Success ends the record ({@link #done()}: what was made stays); a failure takes it
 * all back ({@link #undo()}); a Virtdeck killed mid-work leaves the record, and whoever finds it takes the things
 * back then ({@link UndoJournal}). {@link #close()} without either (an exception nobody expected, a stop) takes back
 * what it can and leaves the rest recorded for that.
 */
public final class MadeSoFar implements AutoCloseable {

    private final UnfinishedWorkRepository works;
    private final Removal removal;
    private final long work;
    /** Newest first: the order to take things back in (a definition before the volumes it uses). */
    private final Deque<Leftover> made = new ArrayDeque<>();
    private boolean settled;

    MadeSoFar(UnfinishedWorkRepository works, Removal removal, long work) {
        this.works = works;
        this.removal = removal;
        this.work = work;
    }

    /** The call that makes a thing. */
    @FunctionalInterface
    public interface Making<T, E extends Exception> {
        T make() throws E;
    }

    /** Makes a volume through {@code making} (libvirt calls that create {@code pool/name} on the host). */
    public <T, E extends Exception> T volume(Host host, String pool, String name, Making<T, E> making) throws E {
        return making(Leftover.volume(host.id(), host.name(), pool, name), making);
    }

    /** Defines the domain {@code uuid} through {@code defining}. */
    public void domain(Host host, UUID uuid, String name, Runnable defining) {
        making(Leftover.domain(host.id(), host.name(), uuid, name), () -> {
            defining.run();
            return null;
        });
    }

    /** Takes a snapshot through {@code taking}; it is never taken back, only looked for after a kill. */
    public <T> T snapshot(long hostId, String hostName, UUID guest, String guestName, String snapshot,
                          Making<T, RuntimeException> taking) {
        return making(Leftover.snapshot(hostId, hostName, guest, guestName, snapshot), taking);
    }

    /** Ties the work to the task it runs in, once the task exists: a kill then closes the task with what was found. */
    public void partOf(long taskId) {
        works.partOf(work, taskId);
    }

    /** A directory of files on the Virtdeck server that this work is about to fill. */
    public void files(Path directory) {
        Leftover thing = Leftover.files(directory.toAbsolutePath().toString());
        made.push(thing.withId(works.record(work, thing)));
    }

    private <T, E extends Exception> T making(Leftover thing, Making<T, E> making) throws E {
        Leftover recorded = thing.withId(works.record(work, thing));
        try {
            T result = making.make();
            made.push(recorded);
            return result;
        } catch (HypervisorException e) {
            if (e.kind() == HypervisorException.Kind.UNREACHABLE) {
                made.push(recorded); // the host may have made it all the same: look for it when taking back
            } else {
                works.forget(recorded.id()); // libvirt refused: nothing was made (and a same-named thing is not ours)
            }
            throw e;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                made.push(recorded); // Virtdeck is stopping while the host goes on making it
            } else {
                works.forget(recorded.id());
            }
            throw e;
        }
    }

    /**
     * Takes back what was made, newest first (snapshots excepted); says where, and names what is left behind for a
     * person to remove.
     */
    public String undo() {
        Set<String> places = new LinkedHashSet<>();
        Map<String, List<String>> left = takeBack(places);
        if (left.isEmpty()) {
            return places.isEmpty() ? "Nothing was left behind." : "Nothing was left behind on " + String.join(
                    " or ", places) + ".";
        }
        return leftBehind(left);
    }

    /**
     * Takes back what was made only for the time of the work (a staged copy), once it succeeded: says nothing when
     * all of it went, else names what is left behind for a person to remove.
     */
    public String removeTemporary() {
        Map<String, List<String>> left = takeBack(new LinkedHashSet<>());
        return left.isEmpty() ? "" : leftBehind(left);
    }

    private Map<String, List<String>> takeBack(Set<String> places) {
        settled = true;
        Map<String, List<String>> left = new LinkedHashMap<>();
        while (!made.isEmpty()) {
            Leftover thing = made.pop();
            places.add(thing.place());
            Removal.Outcome outcome = removal.remove(thing);
            if (outcome.state() == Removal.Outcome.State.LEFT || outcome.state() == Removal.Outcome.State.NOT_YET) {
                left.computeIfAbsent(thing.place(), place -> new ArrayList<>()).add(thing.describe());
            } else if (outcome.state() == Removal.Outcome.State.IN_USE) { // kept, and not for a person to remove
                places.add(thing.place() + " (" + thing.describe() + " is kept: " + outcome.detail() + ")");
            }
            works.forget(thing.id());
        }
        works.end(work);
        return left;
    }

    private static String leftBehind(Map<String, List<String>> left) {
        return left.entrySet().stream().map(place -> "Left behind on " + place.getKey() + ", to remove by hand: "
                + String.join(", ", place.getValue()) + ".").collect(Collectors.joining(" "));
    }

    /** The work succeeded: what it made stays, and the record ends. */
    public void done() {
        settled = true;
        works.end(work);
    }

    /**
     * Ends the record if {@link #done()} or {@link #undo()} did not: then what can be removed now is, and what cannot
     * (its host is away, Virtdeck is stopping) stays recorded, to be removed once this instance has stopped.
     */
    @Override
    public void close() {
        if (settled) {
            return;
        }
        settled = true;
        boolean anyLeft = false;
        while (!made.isEmpty()) {
            Leftover thing = made.pop();
            Removal.Outcome.State outcome = removal.remove(thing).state();
            if (outcome == Removal.Outcome.State.NOT_YET) {
                anyLeft = true;
            } else {
                works.forget(thing.id());
            }
        }
        if (!anyLeft) {
            works.end(work);
        }
    }
}

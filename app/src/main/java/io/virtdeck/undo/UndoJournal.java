package io.virtdeck.undo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import io.virtdeck.ThreadPools;
import io.virtdeck.VirtdeckInstance;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Ending;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.hypervisor.ConnectionState;
import io.virtdeck.hypervisor.HostConnectionChanged;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskService;

/**
 * Keeps Virtdeck from leaving things half-made when it is killed mid-work. An action records each thing before it
 * makes it ({@link #begin}); a work left by a stopped instance is taken over by the first instance to notice (at
 * its start, then every few seconds), which takes back what the work had made, closes its task and writes the audit
 * entry the work never wrote, naming what was removed, what libvirt finished (a snapshot) and what a person must
 * remove. Things a host cannot remove now (it does not answer, libvirt still copies into the volume) are tried again
 * (at once when a host connects) for half an hour before they are named as left behind.
 */
@Service
@Order(2) // before the tasks' own recovery, which leaves the tasks of these works to this
public class UndoJournal implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(UndoJournal.class);
    static final Duration GIVE_UP_AFTER = Duration.ofMinutes(30);

    private final UnfinishedWorkRepository works;
    private final Removal removal;
    private final VirtdeckInstance instance;
    private final TaskService tasks;
    private final ActionRunner actions;
    private final TaskExecutor workers;
    /** Some work waits for a host to answer: a host that connects is worth a try at once. */
    private volatile boolean waitingForHosts;

    UndoJournal(UnfinishedWorkRepository works, Removal removal, VirtdeckInstance instance, TaskService tasks,
                ActionRunner actions, @Qualifier(ThreadPools.TASK_WORKERS) TaskExecutor workers) {
        this.workers = workers;
        this.works = works;
        this.removal = removal;
        this.instance = instance;
        this.tasks = tasks;
        this.actions = actions;
    }

    /** Starts recording what a run of {@code action} on {@code subject} makes, for the current user. */
    public MadeSoFar begin(AuditAction action, AuditObject subject) {
        return new MadeSoFar(works, removal, works.begin(instance.id(), null, action, CurrentUser.name(), subject));
    }

    /** The same for the work of a task, which is closed with what was found if Virtdeck stops meanwhile. */
    public MadeSoFar begin(AuditAction action, AuditObject subject, long taskId) {
        return new MadeSoFar(works, removal, works.begin(instance.id(), taskId, action, CurrentUser.name(), subject));
    }

    @Override
    public void run(ApplicationArguments args) {
        settleInterrupted();
    }

    /** Takes over the works of stopped instances, and settles those taken over that can be settled now. */
    @Scheduled(fixedDelay = 10, initialDelay = 10, timeUnit = TimeUnit.SECONDS)
    public synchronized void settleInterrupted() { // the start's run and the schedule's never overlap
        waitingForHosts = false;
        works.adoptInterrupted(instance.id());
        for (UnfinishedWorkRepository.Interrupted work : works.interrupted(instance.id())) {
            settle(work);
        }
    }

    @EventListener
    void onHostConnected(HostConnectionChanged change) {
        if (change.state() == ConnectionState.CONNECTED && waitingForHosts) {
            workers.execute(this::settleInterrupted); // not on the thread that tells of connections
        }
    }

    private void settle(UnfinishedWorkRepository.Interrupted work) {
        boolean lastTry = work.interruptedAt().plus(GIVE_UP_AFTER).isBefore(Instant.now());
        List<String> gone = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        List<String> notTaken = new ArrayList<>();
        // what happened on the way, or why a thing stays: sentences of their own
        List<String> notes = new ArrayList<>();
        Map<String, List<String>> left = new LinkedHashMap<>();
        for (Leftover thing : work.made()) {
            Removal.Outcome outcome = removal.remove(thing);
            String what = thing.describe() + " on " + thing.place();
            switch (outcome.state()) {
                case REMOVED, ABSENT -> {
                    (thing.kind() == Leftover.Kind.SNAPSHOT ? notTaken : gone).add(what);
                    if (outcome.detail() != null) {
                        notes.add(capitalized(outcome.detail()) + ".");
                    }
                }
                case KEPT -> kept.add(what);
                case IN_USE -> notes.add(capitalized(what) + " is kept: " + outcome.detail() + " (libvirt had"
                        + " switched it over before Virtdeck stopped).");
                case LEFT -> left.computeIfAbsent(what, w -> new ArrayList<>()).add(outcome.detail() + "; "
                        + thing.howToRemove());
                case NOT_YET -> {
                    if (!lastTry) {
                        waitingForHosts = true;
                        log.info("work {} ({}): {} cannot be removed yet ({}); trying again", work.id(),
                                work.action(), what, outcome.detail());
                        return;
                    }
                    left.computeIfAbsent(what, w -> new ArrayList<>()).add(outcome.detail() + "; "
                            + thing.howToRemove());
                }
            }
        }
        String message = message(work, gone, kept, notTaken, left) + notes.stream().map(note -> " " + note)
                .collect(Collectors.joining());
        if (work.taskId() != null) {
            tasks.close(work.taskId(), Task.State.FAILED, message);
        }
        Ending ending = actions.resumed(work.action(), work.subject(), work.user());
        if (gone.isEmpty() && left.isEmpty() && notTaken.isEmpty() && notes.isEmpty() && !kept.isEmpty()) {
            ending.succeeded(message); // a snapshot libvirt finished alone: the action did happen
        } else {
            ending.failed(message);
        }
        works.end(work.id());
        log.info("work {} ({} of {}) interrupted by a stop of Virtdeck, settled: {}", work.id(), work.action(),
                work.subject().name(), message);
    }

    private static String message(UnfinishedWorkRepository.Interrupted work, List<String> gone, List<String> kept,
                                  List<String> notTaken, Map<String, List<String>> left) {
        StringBuilder message = new StringBuilder("Virtdeck stopped before this finished.");
        if (work.made().isEmpty()) {
            message.append(" It had made nothing yet.");
        }
        if (!gone.isEmpty()) {
            message.append(" Nothing it was making remains: ").append(String.join(", ", gone)).append(" (removed, or"
                    + " never made).");
        }
        if (!kept.isEmpty()) {
            message.append(" libvirt finished ").append(String.join(", ", kept)).append(" after Virtdeck stopped; it"
                    + " is kept (delete it on the guest's Snapshots tab if it is not wanted).");
        }
        if (!notTaken.isEmpty()) {
            message.append(" ").append(capitalized(String.join(", ", notTaken))).append(" was not taken.");
        }
        if (!left.isEmpty()) {
            message.append(" Left behind, to remove by hand: ").append(left.entrySet().stream()
                    .map(entry -> entry.getKey() + " (" + String.join("; ", entry.getValue()) + ")")
                    .collect(Collectors.joining(", "))).append(".");
        }
        return message.toString();
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}

package io.virtdeck.task;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.concurrent.DelegatingSecurityContextRunnable;
import org.springframework.stereotype.Service;
import io.virtdeck.ThreadPools;
import io.virtdeck.action.BusyObjects;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.DatabaseOutage;
import io.virtdeck.core.ObjectScope;
import io.virtdeck.core.Page;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;

/**
 * Runs long work as tasks persisted in PostgreSQL: queued, running with progress, then succeeded, failed with the
 * reason, or cancelled. One unfinished task per object at a time (a second one is a 409). Work runs as the user who
 * started it. Tasks left unfinished by a stop of their Virtdeck instance are settled by the next to start or, when
 * several instances share the database, by a running one within about a minute.
 */
@Service
@Order(3)
public class TaskService implements ApplicationRunner, BusyObjects {

    private static final Logger log = LoggerFactory.getLogger(TaskService.class);
    private static final Duration DATABASE_RETRY = Duration.ofSeconds(1);

    private final TaskRepository tasks;
    // looked up at start, not injected: recoveries use services that submit tasks themselves
    private final ObjectProvider<TaskRecovery> recoveries;
    private final Permissions permissions;
    private final Map<Long, Runnable> aborts = new ConcurrentHashMap<>();
    /** The task whose work runs on this thread: its own object is not busy to it (a bulk action's child). */
    private static final ThreadLocal<Long> RUNNING_HERE = new ThreadLocal<>();
    private final TaskExecutor workers;
    private volatile boolean stopping;

    public TaskService(TaskRepository tasks, ObjectProvider<TaskRecovery> recoveries, Permissions permissions,
                       @Qualifier(ThreadPools.TASK_WORKERS) TaskExecutor workers) {
        this.tasks = tasks;
        this.permissions = permissions;
        this.recoveries = recoveries;
        this.workers = workers;
    }

    /**
     * Queues work on an object and returns its task at once. Callers check permissions and validate first: this
     * only refuses (409) when the object already has an unfinished task.
     */
    public Task submit(AuditAction type, AuditObject object, boolean cancellable, TaskWork work) {
        return submitOn(workers, type, object, cancellable, work);
    }

    /**
     * As {@link #submit}, the work run by {@code executor} rather than by the task workers: for work that waits for
     * other tasks (a bulk action's migrations), which must not hold the workers those tasks need.
     */
    public Task submitOn(TaskExecutor executor, AuditAction type, AuditObject object, boolean cancellable,
                         TaskWork work) {
        long id = tasks.insertQueued(type.code(), CurrentUser.name(), object, cancellable)
                .orElseThrow(() -> busy(object, tasks.findActive(object)));
        executor.execute(new DelegatingSecurityContextRunnable(() -> run(id, work)));
        return tasks.findById(id).orElseThrow();
    }

    /**
     * Runs work as a task on the caller's own thread and returns the task once it has ended (succeeded, failed or
     * cancelled): for work bound to the caller's request, such as streaming its body in or a response out, which no
     * other thread may finish. Refused (409) when the object already has an unfinished task.
     */
    public Task runHere(AuditAction type, AuditObject object, boolean cancellable, TaskWork work) {
        long id = tasks.insertQueued(type.code(), CurrentUser.name(), object, cancellable)
                .orElseThrow(() -> busy(object, tasks.findActive(object)));
        run(id, work);
        return tasks.findById(id).orElseThrow();
    }

    /**
     * A child of {@code parentId} about {@code object}, run on the caller's thread as {@link #runHere} does; its work
     * may act on the object through the action runner, which its own task does not make busy. Empty, without running
     * anything, when another task holds the object: the child is then recorded as skipped, naming that task.
     */
    public Optional<Task> runChild(long parentId, AuditAction type, AuditObject object, TaskWork work) {
        Optional<Long> id = tasks.insertQueued(type.code(), CurrentUser.name(), object, false, parentId);
        if (id.isEmpty()) {
            Optional<Task> holder = tasks.findActive(object);
            skipChild(parentId, type, object, "busy" + holder.map(busy -> ": task " + busy.id() + " (" + busy.type()
                    + ") is " + busy.state().name().toLowerCase(Locale.ROOT)).orElse(" with another task"));
            return Optional.empty();
        }
        run(id.get(), work);
        return tasks.findById(id.get());
    }

    /** Records children of {@code parentId} that were never run, each with why (closed as cancelled at once). */
    public void skipChild(long parentId, AuditAction type, AuditObject object, String reason) {
        skipChildren(parentId, type, List.of(object), reason);
    }

    /** As {@link #skipChild}, for many objects skipped for one reason, in one statement. */
    public void skipChildren(long parentId, AuditAction type, List<AuditObject> objects, String reason) {
        tasks.insertSkipped(parentId, type.code(), CurrentUser.name(), objects, "Skipped: " + reason);
    }

    /** Records how many children the task will have in all: those not started yet are the difference. */
    public void expectChildren(long parentId, int count) {
        tasks.expectChildren(parentId, count);
    }

    public int childrenExpected(long parentId) {
        return tasks.childrenExpected(parentId);
    }

    /** Makes a task started on its own (a migration) a child of {@code parentId}. */
    public void adoptAsChild(long parentId, long childId) {
        tasks.setParent(childId, parentId);
    }

    /** The children of a task, those that ended in {@code states} (all when empty), oldest first, at most {@code limit}. */
    public List<Task> children(long parentId, Set<Task.State> states, int limit) {
        return tasks.children(parentId, states, limit);
    }

    /** How many children of a task are in each state. */
    public Map<Task.State, Long> childCounts(long parentId) {
        return tasks.childCounts(parentId);
    }

    /**
     * A task whatever it is about, for a service that has checked who may read it itself (a bulk action, which is
     * about many guests); empty when there is none.
     */
    public Optional<Task> find(long id) {
        return tasks.findById(id);
    }

    /** Asks a task's work to stop, for a service that has checked who may cancel it itself; as {@link #cancel}. */
    public Task cancelPermitted(long id) {
        Task task = tasks.findById(id)
                .orElseThrow(() -> VirtdeckException.notFound("There is no task with id " + id + "."));
        requestCancel(task);
        return tasks.findById(id).orElseThrow();
    }

    /** Refuses (409) while a task holds the object: one action at a time per guest or host. */
    @Override
    public void requireIdle(AuditObject object) {
        Optional<Task> active = tasks.findActive(object);
        if (active.isPresent() && !java.util.Objects.equals(active.get().id(), RUNNING_HERE.get())) {
            throw busy(object, active);
        }
    }

    private static VirtdeckException busy(AuditObject object, Optional<Task> task) {
        return VirtdeckException.conflict("'" + object.name() + "' is busy" + task.map(busy -> ": task " + busy.id()
                + " (" + busy.type() + ") is " + busy.state().name().toLowerCase(Locale.ROOT)
                + "; wait for it or cancel it.").orElse("."));
    }

    /**
     * Runs work again for a task left unfinished by a stop (see {@link TaskRecovery}); the task stays RUNNING until
     * the work ends it. The work runs as Virtdeck itself.
     */
    public void follow(long id, TaskWork work) {
        workers.execute(() -> run(id, work));
    }

    /**
     * A task about an object whose history the user may read; 404 for any other, as for a missing one; 403 for those
     * who may read no object's history (help desk).
     */
    public Task get(long id) {
        return tasks.findById(id, readable())
                .orElseThrow(() -> VirtdeckException.notFound("There is no task with id " + id + "."));
    }

    /** Newest first, the tasks about objects whose history the user may read; 403 for those who may read none. */
    public Page<Task> list(boolean activeOnly, int page, int size) {
        return tasks.find(activeOnly, readable(), page, size);
    }

    /** Of these tasks, those the user may cancel (by the object, whatever the state): for the cancel buttons. */
    public Set<Long> cancellableByUser(List<Task> shown) {
        return shown.isEmpty() ? Set.of() : tasks.idsIn(shown.stream().map(Task::id).toList(), operable());
    }

    /**
     * Asks the work to stop; it ends CANCELLED once it has. 404 for a task the user may not read, 403 for one about an
     * object they may not act on.
     */
    public Task cancel(long id) {
        Task task = get(id);
        if (tasks.findById(id, operable()).isEmpty()) {
            throw new AccessDeniedException("not permitted: cancel task " + id);
        }
        requestCancel(task);
        return get(id);
    }

    private void requestCancel(Task task) {
        long id = task.id();
        if (task.state().finished()) {
            throw VirtdeckException.conflict("Task " + id + " has already ended ("
                    + task.state().name().toLowerCase(Locale.ROOT) + ").");
        }
        if (!task.cancellable()) {
            throw VirtdeckException.conflict("Task " + id + " (" + task.type() + ") cannot be cancelled.");
        }
        // the abort is taken before the cancel is recorded: work that sees the cancel first may end, and forget its
        // abort, before this thread would have found it
        Runnable abort = aborts.remove(id);
        tasks.requestCancel(id);
        if (abort != null) {
            abort.run();
        }
    }

    /**
     * A cancel asked through another instance (any page behind a load balancer) reaches the work running here: work
     * that stops only through its abort (a migration's libvirt job) has it run at once.
     */
    @EventListener
    public void onCancelAskedElsewhere(TaskCancelAsked asked) {
        abortHere(asked.taskId());
    }

    /** The same from the database, for a notice missed while the instances' channel was re-established. */
    @Scheduled(fixedDelay = 2, initialDelay = 2, timeUnit = TimeUnit.SECONDS)
    public void relayCancels() {
        if (!aborts.isEmpty()) {
            tasks.cancelRequestedAmong(aborts.keySet()).forEach(this::abortHere);
        }
    }

    private void abortHere(long id) {
        Runnable abort = aborts.remove(id);
        if (abort != null) {
            log.info("task {}: cancel asked through another instance; aborting its work here", id);
            workers.execute(abort); // an abort may wait on a host: not on the thread that delivered the notice
        }
    }

    /** A guest's tasks for those who may read its history, a host's (and its pools', networks'...) likewise. */
    private ObjectScope readable() {
        ObjectScope scope = permissions.scope(Action.READ_HISTORY, Action.READ_HISTORY);
        if (scope.nothing()) {
            throw new AccessDeniedException("no object to read the tasks of");
        }
        return scope;
    }

    private ObjectScope operable() {
        return permissions.scope(Action.OPERATE, Action.OPERATE);
    }

    /** Closes a task from outside its work, e.g. by a {@link TaskRecovery}. */
    public boolean close(long id, Task.State state, String message) {
        return tasks.finish(id, state, message);
    }

    @Override
    public void run(ApplicationArguments args) {
        settleOrphans();
    }

    /**
     * At start and every minute: tasks that were unfinished when their Virtdeck instance stopped are settled, never
     * left running forever. Tasks of instances still running are theirs; each orphan is adopted by one instance only.
     */
    @Scheduled(fixedDelay = 1, initialDelay = 1, timeUnit = TimeUnit.MINUTES)
    public void settleOrphans() {
        for (Task task : tasks.findOrphaned()) {
            if (tasks.adopt(task.id())) {
                recover(task, "Virtdeck stopped while this task ran");
            }
        }
    }

    /** Settles a task whose work this instance lost track of: by its type's recovery, else closed as failed. */
    private void recover(Task task, String why) {
        TaskRecovery recovery = recoveries.orderedStream().filter(r -> r.type().code().equals(task.type()))
                .findFirst().orElse(null);
        if (recovery != null) {
            recovery.recover(task, this);
        } else {
            tasks.finishOwn(task.id(), Task.State.FAILED, why + "; its work was interrupted and not completed.");
            log.info("task {} ({}): {}; marked failed", task.id(), task.type(), why);
        }
    }

    /**
     * As soon as Virtdeck starts stopping, before any bean is destroyed: work cut short from then on (its workers
     * interrupted, or the libvirt call threads already refusing its calls) is not a failure.
     */
    @EventListener(ContextClosedEvent.class)
    void stop() {
        stopping = true;
    }

    private void run(long id, TaskWork work) {
        Task.State state;
        String message;
        Long outer = RUNNING_HERE.get();
        RUNNING_HERE.set(id);
        try {
            tasks.started(id);
            String done = work.run(progressOf(id));
            state = Task.State.SUCCEEDED;
            message = done;
        } catch (Exception e) {
            if (stopping) {
                // interrupted by Virtdeck stopping, not ended: the next start settles it (TaskRecovery)
                log.info("task {} left unfinished by the stop of Virtdeck", id);
                return;
            } else if (DatabaseOutage.causedBy(e)) {
                log.warn("task {}: its work met the database unreachable; it is settled once the database is back",
                        id, e);
                settleWhenDatabaseIsBack(id);
                return;
            } else if (e instanceof TaskCancelledException) {
                state = Task.State.CANCELLED;
                message = e.getMessage();
            } else if (e instanceof VirtdeckException) {
                state = Task.State.FAILED;
                message = e.getMessage();
            } else {
                log.warn("task {} failed", id, e);
                state = Task.State.FAILED;
                message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
        } finally {
            aborts.remove(id);
            RUNNING_HERE.set(outer);
        }
        try {
            tasks.finish(id, state, message);
        } catch (RuntimeException e) {
            if (!DatabaseOutage.causedBy(e)) {
                throw e;
            }
            log.warn("task {} ended ({}) while the database is unreachable; recorded once it is back", id, state);
            Task.State ended = state;
            String endedWith = message;
            whenDatabaseIsBack(id, () -> tasks.finishOwn(id, ended, endedWith));
        }
    }

    /**
     * Work cut short by the database (its own reads or writes failed): once the database is back, the task's
     * recovery settles it by what libvirt says (a migration is followed again), as after a stop; a type without one
     * is closed as failed, with the reason.
     */
    private void settleWhenDatabaseIsBack(long id) {
        whenDatabaseIsBack(id, () -> tasks.findOwnUnfinished(id).ifPresent(
                task -> recover(task, "The database became unreachable while this task ran")));
    }

    /**
     * Runs {@code settle} on a worker as soon as the database answers (never holding a request's thread that long);
     * gives up when Virtdeck stops.
     */
    private void whenDatabaseIsBack(long id, Runnable settle) {
        workers.execute(() -> retryUntilDatabaseIsBack(id, settle));
    }

    private void retryUntilDatabaseIsBack(long id, Runnable settle) {
        while (!stopping) {
            try {
                settle.run();
                log.info("task {} settled after the database came back", id);
                return;
            } catch (RuntimeException e) {
                if (!DatabaseOutage.causedBy(e)) {
                    log.warn("task {} cannot be settled after the database came back", id, e);
                    return;
                }
            }
            try {
                Thread.sleep(DATABASE_RETRY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.info("task {} left unfinished by the stop of Virtdeck while the database was unreachable", id);
    }

    private TaskProgress progressOf(long id) {
        return new TaskProgress() {
            @Override
            public long taskId() {
                return id;
            }

            @Override
            public void update(int percent, String message) {
                try {
                    tasks.progress(id, percent, message);
                } catch (RuntimeException e) {
                    if (!DatabaseOutage.causedBy(e)) {
                        throw e;
                    }
                    // only a reading for the pages, none of which answer now: the work goes on
                }
            }

            @Override
            public boolean cancelRequested() {
                try {
                    return tasks.cancelRequested(id);
                } catch (RuntimeException e) {
                    if (!DatabaseOutage.causedBy(e)) {
                        throw e;
                    }
                    return false; // no one can ask while the database is away; a cancel sent here still aborts
                }
            }

            @Override
            public void onCancel(Runnable abort) {
                aborts.put(id, abort);
            }
        };
    }
}

package io.virtdeck.bulk;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.task.TaskExecutor;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.concurrent.DelegatingSecurityContextRunnable;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import io.virtdeck.ThreadPools;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Ending;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.Tags;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.core.Visible;
import io.virtdeck.guest.snapshot.GuestSnapshotService;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestFilter;
import io.virtdeck.inventory.GuestKind;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskCancelledException;
import io.virtdeck.task.TaskProgress;
import io.virtdeck.task.TaskService;

/**
 * One action on many guests: those picked by id, or every guest the list's filter matches. It answers at once with
 * one parent task; each guest then gets a child task (BulkSteps), as many side by side as virtdeck.bulk.* allows in
 * all and per host. Guests the user may not act on, guests busy with another task, and guests the action does not fit
 * (start on a running guest) are skipped and named with why, never acted on. A cancel lets the children running
 * finish and skips those not started.
 */
@Service
public class BulkActionService {

    /** The most guests one bulk action takes: a whole fleet of the size Virtdeck is built for. */
    public static final int MAX_GUESTS = 50_000;

    private static final Logger log = LoggerFactory.getLogger(BulkActionService.class);
    private static final long DISPATCH_WAIT_MILLIS = 50;
    private static final long LOOK_NANOS = 200_000_000;
    private static final int LISTED = 1_000;
    private static final Set<Task.State> PROBLEMS = EnumSet.of(Task.State.FAILED, Task.State.CANCELLED);

    private final GuestRepository guests;
    private final HostRepository hosts;
    private final Permissions permissions;
    private final TaskService tasks;
    private final ActionRunner actions;
    private final BulkSteps steps;
    private final BulkLimits limits;
    private final TaskExecutor workers;
    private final TaskExecutor dispatchers;

    public BulkActionService(GuestRepository guests, HostRepository hosts, Permissions permissions, TaskService tasks,
                             ActionRunner actions, BulkSteps steps, BulkLimits limits,
                             @Qualifier(ThreadPools.BULK_WORKERS) TaskExecutor workers,
                             @Qualifier(ThreadPools.BULK_DISPATCHERS) TaskExecutor dispatchers) {
        this.dispatchers = dispatchers;
        this.guests = guests;
        this.hosts = hosts;
        this.permissions = permissions;
        this.tasks = tasks;
        this.actions = actions;
        this.steps = steps;
        this.limits = limits;
        this.workers = workers;
    }

    /** The guests selected, sorted into those to act on and those skipped at once, with why. */
    private record Selection(List<Guest> toAct, Map<String, List<AuditObject>> skipped) {

        int skippedCount() {
            return skipped.values().stream().mapToInt(List::size).sum();
        }
    }

    /**
     * Checks the request and starts the bulk action: 403 for those who may act on no guest, 400 naming the field for
     * an unknown action, an empty selection or a migration target that is no host.
     */
    public BulkStarted start(BulkRequest request) {
        Permissions.Rights rights = requireMayAct();
        if (request == null) {
            throw VirtdeckException.invalid("action", "Give an action and the guests: guestIds or filter.");
        }
        BulkAction action = BulkAction.parse(request.action());
        BulkSteps.Options options = options(action, request);
        List<Guest> selected = select(request);
        Selection selection = sort(action, request, selected, rights);
        String name = action.label() + ": " + selected.size() + " guest" + (selected.size() == 1 ? "" : "s");
        AuditObject object = new AuditObject("bulk", UUID.randomUUID().toString(), name);
        Task task = actions.plan(AuditAction.GUEST_BULK, object).start(ending -> tasks.submitOn(dispatchers,
                AuditAction.GUEST_BULK, object, true, progress -> run(action, options, selection, progress, ending)));
        return new BulkStarted(task, action.code(), selected.size() + missing(request, selected),
                selection.toAct().size(), selection.skippedCount());
    }

    /** 403 for those who may act on no guest: the action bar's confirmation is not theirs either. */
    public Permissions.Rights requireMayAct() {
        Permissions.Rights rights = permissions.rights();
        if (!rights.somewhere(Action.OPERATE)) {
            throw new AccessDeniedException("not permitted: act on guests");
        }
        return rights;
    }

    /** How many guests "all matching this filter" would act on, counted in SQL: what the list's choice shows. */
    public long countMatching(GuestFilter filter) {
        return guests.countMatching(filter, permissions.visibleOrDeny(Action.READ_GUEST));
    }

    /** The guests by id (those the user can see) for the confirmation, which names them when they are few. */
    public List<Guest> preview(List<Long> ids) {
        Visible visible = permissions.visibleOrDeny(Action.READ_GUEST);
        return guests.findByIds(ids).stream().filter(g -> sees(visible, g)).toList();
    }

    /**
     * The bulk action as it stands: for the user who started it, and for those who may read every guest's history;
     * 404 for others, as for a task that is no bulk action.
     */
    public BulkResult result(long taskId) {
        Task task = readable(taskId);
        Map<Task.State, Long> counts = tasks.childCounts(taskId);
        long succeeded = counts.getOrDefault(Task.State.SUCCEEDED, 0L);
        long failed = counts.getOrDefault(Task.State.FAILED, 0L);
        long skipped = counts.getOrDefault(Task.State.CANCELLED, 0L);
        long running = counts.getOrDefault(Task.State.RUNNING, 0L) + counts.getOrDefault(Task.State.QUEUED, 0L);
        int expected = tasks.childrenExpected(taskId);
        long notStarted = task.state().finished() ? 0 : Math.max(0, expected - succeeded - failed - skipped - running);
        return new BulkResult(task, expected, succeeded, failed, skipped, running, notStarted,
                children(taskId, EnumSet.of(Task.State.RUNNING, Task.State.QUEUED)), children(taskId, PROBLEMS),
                !task.state().finished() && mayCancel(task));
    }

    /** Cancels: the guests' actions running finish, those not started are skipped. 404 as {@link #result}. */
    public BulkResult cancel(long taskId) {
        Task task = readable(taskId);
        if (!mayCancel(task)) {
            throw new AccessDeniedException("not permitted: cancel bulk action " + taskId);
        }
        tasks.cancelPermitted(taskId);
        return result(taskId);
    }

    private Task readable(long taskId) {
        return tasks.find(taskId)
                .filter(task -> task.type().equals(AuditAction.GUEST_BULK.code()))
                .filter(task -> task.user().equals(CurrentUser.name())
                        || permissions.visible(Action.READ_HISTORY).everything())
                .orElseThrow(() -> VirtdeckException.notFound("There is no bulk action with task id " + taskId
                        + "."));
    }

    private boolean mayCancel(Task task) {
        return task.user().equals(CurrentUser.name()) || permissions.visible(Action.OPERATE).everything();
    }

    private List<BulkResult.Child> children(long taskId, Set<Task.State> states) {
        return tasks.children(taskId, states, LISTED).stream().map(child -> new BulkResult.Child(child.id(),
                child.objectId(), child.objectName(), outcome(child.state()), child.message())).toList();
    }

    private static String outcome(Task.State state) {
        return switch (state) {
            case QUEUED, RUNNING -> "running";
            case SUCCEEDED -> "succeeded";
            case FAILED -> "failed";
            case CANCELLED -> "skipped";
        };
    }

    /** What the action needs besides the guests: 400 naming the field when it is missing or wrong. */
    private BulkSteps.Options options(BulkAction action, BulkRequest request) {
        if (action == BulkAction.SNAPSHOT) {
            GuestSnapshotService.checkName("snapshotName", request.snapshotName());
            return new BulkSteps.Options(request.snapshotName(), null, null);
        }
        if (action == BulkAction.TAG) {
            List<String> tags = Tags.requireAll(request.tags(), "tags");
            if (tags.isEmpty()) {
                throw VirtdeckException.invalid("tags", "Tag needs tags: the tags each guest gets, e.g. [\"env:prod\"].");
            }
            return new BulkSteps.Options(null, null, tags);
        }
        if (action != BulkAction.MIGRATE) {
            return new BulkSteps.Options(null, null, null);
        }
        boolean place = Boolean.TRUE.equals(request.place());
        if (place == (request.targetHostId() != null)) {
            throw VirtdeckException.invalid("targetHostId", "Migrate needs targetHostId (the host to move the guests"
                    + " to) or place: true (Virtdeck chooses a host for each), one of them.");
        }
        if (place) {
            return new BulkSteps.Options(null, null, null);
        }
        long target = request.targetHostId();
        if (hosts.nameOf(permissions.visible(Action.READ_HOST), target).isEmpty()) {
            throw VirtdeckException.invalid("targetHostId", "There is no host with id " + target + ".");
        }
        permissions.requireHost(Action.OPERATE, target); // moving guests onto a host changes it too
        return new BulkSteps.Options(null, target, null);
    }

    /** The guests the user can see of those asked for: by id, or all the filter matches (400 when none). */
    private List<Guest> select(BulkRequest request) {
        Visible visible = permissions.visibleOrDeny(Action.READ_GUEST);
        if (request.guestIds() != null && request.filter() != null) {
            throw VirtdeckException.invalid("guestIds", "Give guestIds or filter, not both.");
        }
        if (request.filter() != null) {
            GuestFilter filter = filter(request.filter());
            List<Guest> matching = guests.findMatching(filter, visible, MAX_GUESTS + 1);
            if (matching.isEmpty()) {
                throw VirtdeckException.invalid("filter", "No guest matches this filter.");
            }
            if (matching.size() > MAX_GUESTS) {
                throw VirtdeckException.invalid("filter", "This filter matches more than " + MAX_GUESTS
                        + " guests: narrow it.");
            }
            return matching;
        }
        if (request.guestIds() == null || request.guestIds().isEmpty()) {
            throw VirtdeckException.invalid("guestIds", "Select at least one guest: guestIds or filter.");
        }
        if (request.guestIds().size() > MAX_GUESTS || request.guestIds().stream().anyMatch(Objects::isNull)) {
            throw VirtdeckException.invalid("guestIds", "guestIds holds up to " + MAX_GUESTS + " guest ids.");
        }
        return guests.findByIds(new HashSet<>(request.guestIds())).stream().filter(g -> sees(visible, g)).toList();
    }

    private static GuestFilter filter(BulkRequest.Filter filter) {
        DomainRunState state = null;
        if (filter.state() != null && !filter.state().isBlank()) {
            try {
                state = DomainRunState.valueOf(filter.state().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw VirtdeckException.invalid("filter.state", "filter.state must be one of RUNNING, PAUSED,"
                        + " SHUTOFF, CRASHED, MIGRATING, UNKNOWN.");
            }
        }
        GuestKind kind = null;
        if (filter.kind() != null && !filter.kind().isBlank()) {
            try {
                kind = GuestKind.valueOf(filter.kind().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw VirtdeckException.invalid("filter.kind", "filter.kind must be VM or CONTAINER.");
            }
        }
        return new GuestFilter(filter.host(), state, filter.q(), filter.tags(), kind);
    }

    private static boolean sees(Visible visible, Guest guest) {
        return visible.everything() || visible.hostIds().contains(guest.hostId())
                || visible.guestIds().contains(guest.id());
    }

    /** Ids asked for that are no guest the user can see: skipped, named by their id only. */
    private static int missing(BulkRequest request, List<Guest> found) {
        return request.guestIds() == null ? 0 : (int) (new HashSet<>(request.guestIds()).size() - found.size());
    }

    private Selection sort(BulkAction action, BulkRequest request, List<Guest> selected, Permissions.Rights rights) {
        List<Guest> toAct = new ArrayList<>();
        Map<String, List<AuditObject>> skipped = new LinkedHashMap<>();
        Set<Long> found = new HashSet<>();
        for (Guest guest : selected) {
            found.add(guest.id());
            AuditObject object = AuditObject.guest(guest.id(), guest.name());
            String whyNot = action.whyNot(guest);
            if (!rights.onGuest(Action.OPERATE, guest.id(), guest.hostId(), guest.tags())) {
                skipped.computeIfAbsent("you may not act on it (your role on it only lets you look)",
                        why -> new ArrayList<>()).add(object);
            } else if (whyNot != null) {
                skipped.computeIfAbsent(whyNot, why -> new ArrayList<>()).add(object);
            } else {
                toAct.add(guest);
            }
        }
        if (request.guestIds() != null) {
            new HashSet<>(request.guestIds()).stream().filter(id -> !found.contains(id)).sorted()
                    .forEach(id -> skipped.computeIfAbsent("there is no such guest", why -> new ArrayList<>())
                            .add(AuditObject.guest(id, "guest " + id)));
        }
        return new Selection(toAct, skipped);
    }

    /**
     * The parent task's work: records the guests skipped at once, then hands the others to the bulk workers, host by
     * host in turn, as many at once as the limits allow, until all are done or a cancel skips those not started.
     */
    private String run(BulkAction action, BulkSteps.Options options, Selection selection, TaskProgress progress,
                       Ending ending) throws InterruptedException {
        long parentId = progress.taskId();
        int total = selection.toAct().size() + selection.skippedCount();
        tasks.expectChildren(parentId, total);
        selection.skipped().forEach((why, objects) -> tasks.skipChildren(parentId, action.childType(), objects, why));

        Map<Long, Deque<Guest>> waiting = new LinkedHashMap<>();
        selection.toAct().forEach(g -> waiting.computeIfAbsent(g.hostId(), h -> new ArrayDeque<>()).add(g));
        BlockingQueue<Task.State> ended = new LinkedBlockingQueue<>();
        SecurityContext context = SecurityContextHolder.getContext();
        Counts counts = new Counts(total, selection.skippedCount());
        int running = 0;
        int notStarted = selection.toAct().size();
        boolean cancelled = false;
        // a cancel through this instance stops the dispatching at once; one through another is read from the database
        AtomicBoolean cancelAsked = new AtomicBoolean();
        progress.onCancel(() -> cancelAsked.set(true));
        long lookedAt = 0;
        while (notStarted > 0 || running > 0) {
            // the database is asked about a cancel, and told the progress, a few times a second: not per guest
            boolean look = System.nanoTime() - lookedAt > LOOK_NANOS;
            if (look) {
                lookedAt = System.nanoTime();
            }
            if (!cancelled && notStarted > 0 && (cancelAsked.get() || look && progress.cancelRequested())) {
                cancelled = true;
                List<AuditObject> left = new ArrayList<>();
                waiting.values().forEach(queue -> queue.forEach(g -> left.add(AuditObject.guest(g.id(), g.name()))));
                waiting.clear();
                tasks.skipChildren(parentId, action.childType(), left, "not started: the bulk action was cancelled");
                counts.skipped.addAndGet(left.size());
                notStarted = 0;
            }
            boolean dispatched = false;
            for (Map.Entry<Long, Deque<Guest>> host : waiting.entrySet()) {
                if (host.getValue().isEmpty() || !limits.tryAcquire(host.getKey())) {
                    continue;
                }
                Guest guest = host.getValue().poll();
                running++;
                notStarted--;
                dispatched = true;
                workers.execute(new DelegatingSecurityContextRunnable(
                        () -> ended.add(actOn(parentId, action, guest, options)), context));
            }
            Task.State state = ended.poll(dispatched ? 0 : DISPATCH_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            while (state != null) {
                running--;
                counts.add(state);
                state = ended.poll();
            }
            if (look) {
                progress.update(counts.percent(), counts.summary(action, running));
            }
        }
        String summary = counts.summary(action, 0);
        if (cancelled) {
            ending.failed("cancelled: " + summary);
            throw new TaskCancelledException("Cancelled: " + summary);
        }
        if (counts.failed.get() > 0) {
            ending.failed(summary);
            throw VirtdeckException.conflict(summary);
        }
        ending.succeeded(summary);
        return summary;
    }

    /** One guest's action on a bulk worker, its place in the limits given back whatever comes of it. */
    private Task.State actOn(long parentId, BulkAction action, Guest guest, BulkSteps.Options options) {
        try {
            return steps.perform(parentId, action, guest, options).map(Task::state).orElse(Task.State.CANCELLED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Task.State.FAILED;
        } catch (RuntimeException e) {
            // the child's own task records its failures; this is the bookkeeping around it failing
            log.warn("bulk action {}: '{}' could not be acted on", parentId, guest.name(), e);
            return Task.State.FAILED;
        } finally {
            limits.release(guest.hostId());
        }
    }

    /** How many guests' actions ended how, for the progress message and the closing one. */
    private static final class Counts {

        private final int total;
        private final AtomicInteger succeeded = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private final AtomicInteger skipped = new AtomicInteger();

        Counts(int total, int skippedAtOnce) {
            this.total = total;
            this.skipped.set(skippedAtOnce);
        }

        void add(Task.State state) {
            switch (state) {
                case SUCCEEDED -> succeeded.incrementAndGet();
                case CANCELLED -> skipped.incrementAndGet();
                default -> failed.incrementAndGet();
            }
        }

        int percent() {
            return total == 0 ? 100 : (succeeded.get() + failed.get() + skipped.get()) * 100 / total;
        }

        String summary(BulkAction action, int running) {
            return action.label() + ": " + succeeded.get() + " of " + total + " guests done, " + failed.get()
                    + " failed, " + skipped.get() + " skipped" + (running > 0 ? ", " + running + " running" : "")
                    + ".";
        }
    }
}

package io.virtdeck.action;

import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.DatabaseOutage;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;

/**
 * Runs every changing action (guests, hosts, storage, networks, consoles, migration, users) through the same steps,
 * as oVirt's commands do, at this project's size:
 * <ol>
 *   <li>the permission ({@link ActionPlan#permit}): 403, or 404 for an object the user may not see;</li>
 *   <li>one unfinished task per object: 409 while a task holds the subject (unless the plan allows it);</li>
 *   <li>the checks against live state ({@link ActionPlan#check}): 4xx naming the field or the reason;</li>
 *   <li>the note that what follows is Virtdeck's own doing (so its events are not reported as outside changes);</li>
 *   <li>the work; a libvirt failure becomes a 409 (or 404) in an operator's words;</li>
 *   <li>one audit entry, whatever came of it: refusals are recorded as failures too;</li>
 *   <li>the refresh of what the work may have changed, after success and after a libvirt failure alike.</li>
 * </ol>
 * Work that runs on as a task ({@link ActionPlan#start}) passes the first three steps here and records its end
 * through an {@link Ending}.
 */
@Component
public class ActionRunner {

    private static final Logger log = LoggerFactory.getLogger(ActionRunner.class);
    private final AuditLog audit;
    private final BusyObjects busy;

    public ActionRunner(AuditLog audit, BusyObjects busy) {
        this.audit = audit;
        this.busy = busy;
    }

    /** An action on {@code subject}, by the current user, to be described further and then run. */
    public ActionPlan plan(AuditAction action, AuditObject subject) {
        return new ActionPlan(this, action, subject, CurrentUser.name());
    }

    /**
     * The end of work that Virtdeck lost track of and follows again or settles (a migration, after a stop or while
     * the database was unreachable; work a kill interrupted): recorded under the user who started it, as its first run
     * would have.
     */
    public Ending resumed(AuditAction action, AuditObject subject, String user) {
        return ending(action, subject, user);
    }

    <T> T run(ActionPlan plan, Supplier<Done<T>> work) {
        refuseOrPass(plan);
        Done<T> done;
        try {
            plan.expectation().run();
            done = work.get();
        } catch (RuntimeException e) {
            throw failed(plan, e);
        }
        audit.recordAs(plan.user(), plan.action(), done.made() == null ? plan.subject() : done.made(), Outcome.SUCCESS,
                done.detail());
        try {
            plan.refresh().run();
        } catch (RuntimeException e) {
            if (!DatabaseOutage.causedBy(e)) {
                throw e;
            }
            // the work is done and audited (kept until the database is back); the inventory follows libvirt then
            log.warn("{} on {}: done, but its refresh waits for the database: {}", plan.action().code(),
                    plan.subject().name(), e.getMessage());
        }
        return done.value();
    }

    <T> T start(ActionPlan plan, Function<Ending, T> start) {
        refuseOrPass(plan);
        try {
            return start.apply(ending(plan.action(), plan.subject(), plan.user()));
        } catch (RuntimeException e) {
            throw failed(plan, e);
        }
    }

    /** The steps that may refuse the action before anything changes; a refusal is audited and thrown. */
    private void refuseOrPass(ActionPlan plan) {
        try {
            plan.permission().run();
            if (plan.refusedWhileBusy()) {
                busy.requireIdle(plan.subject());
            }
            plan.check().run();
        } catch (RuntimeException e) {
            throw failed(plan, e, false);
        }
    }

    /** Audits a failure and returns what to throw: libvirt's failures in an operator's words, others as they are. */
    private RuntimeException failed(ActionPlan plan, RuntimeException e) {
        return failed(plan, e, true);
    }

    private RuntimeException failed(ActionPlan plan, RuntimeException e, boolean workBegun) {
        record(plan, Outcome.FAILURE, !DatabaseOutage.causedBy(e) ? e.getMessage()
                : workBegun ? "the database became unreachable during the work: " + e.getMessage()
                : "not done: the database was unreachable");
        if (e instanceof HypervisorException hypervisor) {
            plan.refresh().run(); // a failed action may still have changed something (a failed revert shuts off)
            VirtdeckException answer = plan.hypervisorAnswer().apply(hypervisor);
            answer.addSuppressed(hypervisor);
            return answer;
        }
        return e;
    }

    private Ending ending(AuditAction action, AuditObject subject, String user) {
        return new Ending() {
            @Override
            public void succeeded(String detail) {
                audit.recordAs(user, action, subject, Outcome.SUCCESS, detail);
            }

            @Override
            public void failed(String reason) {
                audit.recordAs(user, action, subject, Outcome.FAILURE, reason);
            }

            @Override
            public Ending about(AuditObject object) {
                return ending(action, object, user);
            }
        };
    }

    private void record(ActionPlan plan, Outcome outcome, String detail) {
        audit.recordAs(plan.user(), plan.action(), plan.subject(), outcome, detail);
    }
}

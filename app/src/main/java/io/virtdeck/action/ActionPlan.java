package io.virtdeck.action;

import java.util.function.Function;
import java.util.function.Supplier;

import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;

/**
 * One changing action as {@link ActionRunner} runs it: what it is, on what, by whom, who may do it, what must hold
 * first, and what to refresh afterwards. Each step left undescribed does nothing; {@link #run} or {@link #start} ends
 * the description and runs it.
 */
public final class ActionPlan {

    private static final Runnable NOTHING = () -> { };

    private final ActionRunner runner;
    private final AuditAction action;
    private final AuditObject subject;
    private String user;
    private Runnable permission = NOTHING;
    private boolean refusedWhileBusy = true;
    private Runnable check = NOTHING;
    private Runnable expectation = NOTHING;
    private Runnable refresh = NOTHING;
    private Function<HypervisorException, VirtdeckException> hypervisorAnswer =
            e -> VirtdeckException.conflict(HypervisorErrors.message(e));

    ActionPlan(ActionRunner runner, AuditAction action, AuditObject subject, String user) {
        this.runner = runner;
        this.action = action;
        this.subject = subject;
        this.user = user;
    }

    /** Throws when the user may not do this (a permission check of {@code security}). */
    public ActionPlan permit(Runnable permission) {
        this.permission = permission;
        return this;
    }

    /**
     * Throws (a 4xx naming the field or the reason) when the action cannot be done now. Checks run after the
     * permission, in the order they were added: the request's own fields first, then what they need of live state.
     */
    public ActionPlan check(Runnable check) {
        Runnable before = this.check;
        this.check = () -> {
            before.run();
            check.run();
        };
        return this;
    }

    /** For actions that go on beside the subject's task: a console opened on a guest being migrated. */
    public ActionPlan evenWhileBusy() {
        this.refusedWhileBusy = false;
        return this;
    }

    /** Notes, just before the work, that the changes it causes are Virtdeck's own (not outside changes). */
    public ActionPlan expecting(Runnable expectation) {
        this.expectation = expectation;
        return this;
    }

    /** Refreshes what the work may have changed: after it succeeded, or failed in libvirt. */
    public ActionPlan refreshing(Runnable refresh) {
        this.refresh = refresh;
        return this;
    }

    /** How a libvirt failure is answered; a 409 with libvirt's reason in a person's words unless said otherwise. */
    public ActionPlan answering(Function<HypervisorException, VirtdeckException> hypervisorAnswer) {
        this.hypervisorAnswer = hypervisorAnswer;
        return this;
    }

    /** Audits under a named user: for work on threads that carry no login (a console's WebSocket). */
    public ActionPlan by(String user) {
        this.user = user;
        return this;
    }

    /** Runs the action now; returns what the work returned. */
    public <T> T run(Supplier<Done<T>> work) {
        return runner.run(this, work);
    }

    /** Runs work that returns nothing and has no detail to audit. */
    public void execute(Runnable work) {
        runner.run(this, () -> {
            work.run();
            return Done.nothing();
        });
    }

    /**
     * Starts work that runs on (a task): the permission, busy and checks steps, then {@code start}, which hands the
     * {@link Ending} to the task to record how it ended. A refusal, or a failure to start, is audited here.
     */
    public <T> T start(Function<Ending, T> start) {
        return runner.start(this, start);
    }

    AuditAction action() {
        return action;
    }

    AuditObject subject() {
        return subject;
    }

    String user() {
        return user;
    }

    Runnable permission() {
        return permission;
    }

    boolean refusedWhileBusy() {
        return refusedWhileBusy;
    }

    Runnable check() {
        return check;
    }

    Runnable expectation() {
        return expectation;
    }

    Runnable refresh() {
        return refresh;
    }

    Function<HypervisorException, VirtdeckException> hypervisorAnswer() {
        return hypervisorAnswer;
    }
}

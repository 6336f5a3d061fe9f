package io.virtdeck.action;

import io.virtdeck.audit.AuditObject;

/**
 * How an action that runs on as a task records its end: once, under the user who started it and the action and
 * object it was started as, whatever thread the task ends on.
 */
public interface Ending {

    void succeeded(String detail);

    void failed(String reason);

    /** The same ending, recorded about another object: the guest a clone made rather than its source. */
    Ending about(AuditObject object);
}

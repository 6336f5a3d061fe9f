package io.virtdeck.action;

import io.virtdeck.audit.AuditObject;

/** Knows which objects an unfinished task holds (the task service): one action at a time per object. */
public interface BusyObjects {

    /** Refuses (409, naming the task) while a task holds the object. */
    void requireIdle(AuditObject object);
}

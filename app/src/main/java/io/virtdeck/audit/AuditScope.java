package io.virtdeck.audit;

import io.virtdeck.core.ObjectScope;

/** Which audit entries the current user may read: security answers it, so audit imports nothing above it. */
public interface AuditScope {

    /** The entries the current user may read; refused (403) for those who may read none. */
    ObjectScope readable();
}

package io.virtdeck.action;

import io.virtdeck.audit.AuditObject;

/** What an action's work returns, the detail its audit entry records (null for none), and what it made, if anything. */
public record Done<T>(T value, String detail, AuditObject made) {

    public Done(T value, String detail) {
        this(value, detail, null);
    }

    public static <T> Done<T> of(T value) {
        return new Done<>(value, null);
    }

    public static <T> Done<T> of(T value, String detail) {
        return new Done<>(value, detail);
    }

    /** Work that returns nothing, with the detail to audit. */
    public static Done<Void> noted(String detail) {
        return new Done<>(null, detail);
    }

    public static Done<Void> nothing() {
        return new Done<>(null, null);
    }

    /** The audit entry is about {@code made}, what the work created (its id known only now), not the plan's subject. */
    public Done<T> about(AuditObject made) {
        return new Done<>(value, detail, made);
    }
}

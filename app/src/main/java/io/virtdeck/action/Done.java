package io.virtdeck.action;

/** What an action's work returns, and the detail its audit entry records (null for none). */
public record Done<T>(T value, String detail) {

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
}

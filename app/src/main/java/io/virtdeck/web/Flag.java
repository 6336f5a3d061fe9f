package io.virtdeck.web;

import java.util.Map;

/**
 * A true/false field of a JSON body. Controllers only pick it out ({@link #of}); services check it
 * ({@link #required}) after their permission check, so that a malformed body tells nothing about an object the user
 * may not see or change (403 or 404 comes first, whatever the body).
 */
public final class Flag {

    private Flag() {
    }

    /** The field's value; null when the body, the field, or a true or false in it is missing. */
    public static Boolean of(Map<String, ?> body, String field) {
        return body != null && body.get(field) instanceof Boolean value ? value : null;
    }

    /** The value, or a 400 naming the field and saying what it means. */
    public static boolean required(Boolean value, String field, String meaning) {
        if (value == null) {
            throw VirtdeckException.invalid(field, field + " is required: " + meaning + ".");
        }
        return value;
    }
}

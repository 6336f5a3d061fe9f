package io.virtdeck.core;

import org.springframework.http.HttpStatus;

/** A failure with a message meant for a person, and the HTTP status it answers with. */
public class VirtdeckException extends RuntimeException {

    private final HttpStatus status;
    private final String field;

    protected VirtdeckException(HttpStatus status, String message, String field) {
        super(message);
        this.status = status;
        this.field = field;
    }

    public HttpStatus status() {
        return status;
    }

    public String field() {
        return field;
    }

    /** 404: the object does not exist (or the user may not know that it does). */
    public static VirtdeckException notFound(String message) {
        return new VirtdeckException(HttpStatus.NOT_FOUND, message, null);
    }

    /** 409: the object exists, but its state does not allow what was asked. */
    public static VirtdeckException conflict(String message) {
        return new VirtdeckException(HttpStatus.CONFLICT, message, null);
    }

    /** 422: the request was fine, but the host refused to carry it out. */
    public static VirtdeckException refused(String message) {
        return new VirtdeckException(HttpStatus.UNPROCESSABLE_CONTENT, message, null);
    }

    /** 409 naming the field whose value clashes with what exists (a name already taken). */
    public static VirtdeckException conflict(String field, String message) {
        return new VirtdeckException(HttpStatus.CONFLICT, message, field);
    }

    /** 400: the input is wrong; {@code field} names the part at fault. */
    public static VirtdeckException invalid(String field, String message) {
        return new VirtdeckException(HttpStatus.BAD_REQUEST, message, field);
    }
}

package io.virtdeck.core;

import org.springframework.http.HttpStatus;

/** How a libvirt failure reads to a person and which status it answers with. */
public final class HypervisorErrors {

    private HypervisorErrors() {
    }

    public static HttpStatus status(HypervisorException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case INVALID_STATE, UNSUPPORTED, UNREACHABLE -> HttpStatus.CONFLICT;
            case FAILED -> HttpStatus.UNPROCESSABLE_CONTENT;
        };
    }

    public static String message(HypervisorException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> "libvirt no longer knows this object: " + e.getMessage();
            case INVALID_STATE -> "The current state does not allow this: " + e.getMessage();
            case UNSUPPORTED -> "The host's hypervisor does not support this: " + e.getMessage();
            case UNREACHABLE -> (e.host() == null ? "The host" : "Host '" + e.host() + "'") + " cannot be reached: "
                    + e.getMessage();
            case FAILED -> "libvirt refused: " + e.getMessage();
        };
    }

    /** {@link #message} as a whole sentence, for a message that goes on with another ("Nothing was left behind."). */
    public static String sentence(HypervisorException e) {
        String message = message(e);
        return message.endsWith(".") ? message : message + ".";
    }
}

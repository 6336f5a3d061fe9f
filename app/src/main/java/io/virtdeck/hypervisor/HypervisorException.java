package io.virtdeck.hypervisor;

/** A libvirt call failed; {@link #kind()} says how, so callers can answer 404, 409 or 503 without reading libvirt codes. */
public class HypervisorException extends RuntimeException {

    public enum Kind {
        /** The domain (or other object) does not exist on the host. */
        NOT_FOUND,
        /** The object exists but its state does not allow the operation. */
        INVALID_STATE,
        /** The host's driver does not offer the operation. */
        UNSUPPORTED,
        /** The host cannot be reached or did not answer in time. */
        UNREACHABLE,
        /** Anything else libvirt refused. */
        FAILED
    }

    private final Kind kind;

    public HypervisorException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public HypervisorException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

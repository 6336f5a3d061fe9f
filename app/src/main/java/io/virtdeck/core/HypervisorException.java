package io.virtdeck.core;

/**
 * A libvirt call failed; {@link #kind()} says how, so callers can answer 404, 409 or 503 without reading libvirt codes.
 * Where a caller must tell one refusal from another of the same kind, {@link #code()} is libvirt's own error number.
 */
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

    // libvirt's virErrorNumber values that Virtdeck decides on (virerror.h)
    /** VIR_ERR_OK: the failure did not come from libvirt (a timeout, a check of Virtdeck's own). */
    public static final int NO_CODE = 0;
    /** VIR_ERR_INTERNAL_ERROR: what libvirt could not put in a more precise class. */
    public static final int INTERNAL_ERROR = 1;
    /** VIR_ERR_INVALID_ARG: an argument the object cannot take (a size beyond a maximum). */
    public static final int INVALID_ARG = 8;
    /** VIR_ERR_OPERATION_FAILED: the hypervisor (QEMU) refused or failed the work. */
    public static final int OPERATION_FAILED = 9;
    /** VIR_ERR_CONFIG_UNSUPPORTED: the object's configuration does not allow the operation. */
    public static final int CONFIG_UNSUPPORTED = 67;
    /** VIR_ERR_MIGRATE_UNSAFE: libvirt cannot tell that the migration keeps the guest's data safe. */
    public static final int MIGRATE_UNSAFE = 81;

    private final Kind kind;
    private final int code;
    private final String host;

    public HypervisorException(Kind kind, String message) {
        this(kind, NO_CODE, message, null);
    }

    public HypervisorException(Kind kind, String message, Throwable cause) {
        this(kind, NO_CODE, message, cause);
    }

    public HypervisorException(Kind kind, int code, String message, Throwable cause) {
        this(kind, code, message, cause, null);
    }

    private HypervisorException(Kind kind, int code, String message, Throwable cause, String host) {
        super(message, cause);
        this.kind = kind;
        this.code = code;
        this.host = host;
    }

    /** The same failure, naming the host it happened on (by the name people know it by). */
    public HypervisorException on(String hostName) {
        HypervisorException named = new HypervisorException(kind, code, getMessage(), getCause(), hostName);
        named.setStackTrace(getStackTrace());
        return named;
    }

    /** The name of the host the failure happened on, when it is known; null otherwise. */
    public String host() {
        return host;
    }

    public Kind kind() {
        return kind;
    }

    /** libvirt's virErrorNumber for the failure; {@link #NO_CODE} when it did not come from libvirt. */
    public int code() {
        return code;
    }
}

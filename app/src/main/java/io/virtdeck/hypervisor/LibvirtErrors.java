package io.virtdeck.hypervisor;

import org.libvirt.Error.ErrorDomain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import io.virtdeck.core.HypervisorException;

/** Turns libvirt's error numbers into the few kinds the rest of Virtdeck acts on. */
final class LibvirtErrors {

    /**
     * libvirt's words when a TLS server ends the session after the handshake: it refused the client's certificate.
     * The error is a system error, the code of any failed read: only these words tell a refused certificate apart.
     */
    private static final String TLS_NOT_CONFIRMED = "Unable to read TLS confirmation";

    private LibvirtErrors() {
    }

    static HypervisorException translate(LibvirtException e) {
        return new HypervisorException(kindOf(e), codeOf(e), message(e), e);
    }

    /** libvirt's virErrorNumber: libvirt-java's ErrorNumber lists the numbers in order, from VIR_ERR_OK on. */
    static int codeOf(LibvirtException e) {
        return e.getError() == null || e.getError().getCode() == null ? HypervisorException.NO_CODE
                : e.getError().getCode().ordinal();
    }

    /** True when the error means the connection itself is gone, not just this call. */
    static boolean isConnectionLost(LibvirtException e) {
        return kindOf(e) == HypervisorException.Kind.UNREACHABLE;
    }

    static HypervisorException.Kind kindOf(LibvirtException e) {
        ErrorNumber code = e.getError() == null ? null : e.getError().getCode();
        return code == null ? HypervisorException.Kind.FAILED : kindOf(code, e.getError().getDomain());
    }

    static HypervisorException.Kind kindOf(ErrorNumber code, ErrorDomain domain) {
        if (code == ErrorNumber.VIR_ERR_INTERNAL_ERROR && domain == ErrorDomain.VIR_FROM_RPC) {
            // how the remote transport reports a lost connection: "connection closed due to keepalive timeout",
            // "client socket is closed"
            return HypervisorException.Kind.UNREACHABLE;
        }
        return switch (code) {
            case VIR_ERR_NO_DOMAIN, VIR_ERR_NO_STORAGE_VOL, VIR_ERR_NO_STORAGE_POOL, VIR_ERR_NO_NETWORK,
                 VIR_ERR_NO_DOMAIN_SNAPSHOT -> HypervisorException.Kind.NOT_FOUND;
            case VIR_ERR_OPERATION_INVALID -> HypervisorException.Kind.INVALID_STATE;
            case VIR_ERR_NO_SUPPORT, VIR_ERR_ARGUMENT_UNSUPPORTED -> HypervisorException.Kind.UNSUPPORTED;
            // a system error of the transport (a socket reset, a refused connect) loses the connection; one of a
            // driver (a guest's console log file held by another QEMU) is that call's failure alone
            case VIR_ERR_SYSTEM_ERROR -> domain == ErrorDomain.VIR_FROM_RPC || domain == ErrorDomain.VIR_FROM_REMOTE
                    ? HypervisorException.Kind.UNREACHABLE : HypervisorException.Kind.FAILED;
            case VIR_ERR_RPC, VIR_ERR_NO_CONNECT, VIR_ERR_INVALID_CONN,
                 VIR_ERR_OPERATION_TIMEOUT, VIR_ERR_AUTH_FAILED, VIR_ERR_AUTH_UNAVAILABLE, VIR_ERR_AUTH_CANCELLED ->
                    HypervisorException.Kind.UNREACHABLE;
            default -> HypervisorException.Kind.FAILED;
        };
    }

    static String message(LibvirtException e) {
        String message = e.getError() != null ? e.getError().getMessage() : e.getMessage();
        if (message != null && message.contains(TLS_NOT_CONFIRMED)) {
            return message + " (the host refused Virtdeck's client certificate: it is not signed by a CA the host "
                    + "trusts, or not in the host's tls_allowed_dn_list)";
        }
        return message == null ? "libvirt error" : message;
    }
}

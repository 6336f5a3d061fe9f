package io.virtdeck.hypervisor;

import io.virtdeck.core.HypervisorException;
import org.junit.jupiter.api.Test;
import org.libvirt.Error.ErrorDomain;
import org.libvirt.Error.ErrorNumber;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which libvirt errors mean the connection is lost (it is then closed and opened again, and every call on it fails
 * meanwhile): only the transport's. A guest's start refused for a console log file another QEMU holds once dropped
 * the whole host's connection.
 */
class LibvirtErrorsTest {

    @Test
    void aSystemErrorOfTheTransportLosesTheConnectionOneOfADriverDoesNot() {
        assertThat(LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_SYSTEM_ERROR, ErrorDomain.VIR_FROM_RPC))
                .isEqualTo(HypervisorException.Kind.UNREACHABLE); // "Cannot recv data: Connection reset by peer"
        assertThat(LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_SYSTEM_ERROR, ErrorDomain.VIR_FROM_REMOTE))
                .isEqualTo(HypervisorException.Kind.UNREACHABLE);
        // "Cannot open log file: '...console.log': Device or resource busy", from starting a guest
        assertThat(LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_SYSTEM_ERROR, ErrorDomain.VIR_FROM_QEMU))
                .isEqualTo(HypervisorException.Kind.FAILED);
        assertThat(LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_SYSTEM_ERROR, ErrorDomain.VIR_FROM_LOGGING))
                .isEqualTo(HypervisorException.Kind.FAILED);
        assertThat(LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_INTERNAL_ERROR, ErrorDomain.VIR_FROM_RPC))
                .isEqualTo(HypervisorException.Kind.UNREACHABLE); // "connection closed due to keepalive timeout"
        assertThat(LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_NO_DOMAIN, ErrorDomain.VIR_FROM_QEMU))
                .isEqualTo(HypervisorException.Kind.NOT_FOUND);
    }
}

package io.virtdeck.hypervisor;

import java.util.UUID;

import io.virtdeck.core.HypervisorException;

/** What a serial console needs of a host: the running domain's first console, as a stream over libvirt's connection. */
public interface SerialConsoleGateway {

    /**
     * Opens the running domain's first console (its first serial port). Without {@code force}, fails with
     * {@link SerialConsoleBusyException} while another client (another Virtdeck session, virsh console) holds it; with
     * {@code force}, takes it from that client, whose stream ends. UNSUPPORTED where the driver has no consoles
     * (libvirt's test driver); INVALID_STATE when the domain has none or does not run.
     */
    SerialConsole openSerialConsole(long hostId, UUID uuid, boolean force);

    /** libvirt refused the console because another client holds it. */
    final class SerialConsoleBusyException extends HypervisorException {
        public SerialConsoleBusyException(String message) {
            super(Kind.INVALID_STATE, message);
        }
    }
}

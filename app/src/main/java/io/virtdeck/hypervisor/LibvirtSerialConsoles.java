package io.virtdeck.hypervisor;

import java.util.Arrays;
import java.util.UUID;

import org.libvirt.LibvirtException;
import org.libvirt.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import io.virtdeck.core.HypervisorException;

/**
 * The libvirt-backed {@link SerialConsoleGateway}: a non-blocking stream of the host's connection joined to the
 * domain's console. Nothing listens on the host for it: the bytes travel inside libvirt's own connection.
 */
@Component
class LibvirtSerialConsoles implements SerialConsoleGateway {

    private static final Logger log = LoggerFactory.getLogger(LibvirtSerialConsoles.class);
    /** libvirt's answer when another client holds the console (virErrorNumber VIR_ERR_OPERATION_FAILED). */
    private static final String BUSY = "Active console session exists";

    private final HostConnections connections;

    LibvirtSerialConsoles(HostConnections connections) {
        this.connections = connections;
    }

    @Override
    public SerialConsole openSerialConsole(long hostId, UUID uuid, boolean force) {
        return connections.call(hostId, session -> session.domain(uuid, domain -> {
            Stream stream = session.connect().streamNew(LibvirtFlags.STREAM_NONBLOCK);
            try {
                // the LXC driver takes no FORCE flag, and lets a second client connect beside the first anyway
                LibvirtNative.openConsole(domain, stream, force && !"LXC".equals(session.connect().getType()));
            } catch (HypervisorException e) {
                stream.free();
                if (e.getMessage() != null && e.getMessage().contains(BUSY)) {
                    throw new SerialConsoleBusyException(e.getMessage());
                }
                throw e;
            }
            return new Open(stream);
        }));
    }

    /** One open console stream; every use and the freeing are serialized, so a close never frees a stream in use. */
    private static final class Open implements SerialConsole {

        private final Stream stream;
        private boolean closed;

        Open(Stream stream) {
            this.stream = stream;
        }

        @Override
        public synchronized int read(byte[] buffer) {
            if (closed) {
                return -1;
            }
            try {
                int received = LibvirtNative.receive(stream, buffer);
                return received == LibvirtFlags.STREAM_NO_DATA ? 0 : received == 0 ? -1 : received;
            } catch (HypervisorException e) {
                log.debug("a serial console's stream ended: {}", e.getMessage());
                return -1; // taken over by another client, or the guest stopped
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            byte[] remaining = Arrays.copyOfRange(bytes, offset, offset + length);
            while (remaining.length > 0) {
                int sent;
                synchronized (this) {
                    if (closed) {
                        throw new HypervisorException(HypervisorException.Kind.FAILED, "the serial console is closed");
                    }
                    try {
                        sent = stream.send(remaining);
                    } catch (LibvirtException e) {
                        throw new HypervisorException(HypervisorException.Kind.FAILED, e.getMessage(), e);
                    }
                }
                if (sent == LibvirtFlags.STREAM_NO_DATA) { // a non-blocking stream's "would block"
                    pause();
                } else if (sent > 0) {
                    remaining = Arrays.copyOfRange(remaining, sent, remaining.length);
                }
            }
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                stream.abort();
            } catch (LibvirtException | RuntimeException e) {
                log.debug("closing a serial console's stream: {}", e.getMessage());
            }
            try {
                stream.free();
            } catch (LibvirtException | RuntimeException e) {
                log.debug("freeing a serial console's stream: {}", e.getMessage());
            }
        }

        private static void pause() {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HypervisorException(HypervisorException.Kind.FAILED, "interrupted while writing");
            }
        }
    }
}

package io.virtdeck.hypervisor;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A socket libvirt connected to a guest's display and handed over as a file descriptor ({@link
 * ConsoleGateway#openDisplay}). Java opens no channel on a descriptor it did not create (and
 * {@code /proc/self/fd/N} of a socket cannot be opened: ENXIO), so its streams read and write the descriptor with
 * the C library's recv and send. {@link #close} shuts the socket down first, waking a reader blocked on it, and
 * releases the descriptor only once no read or write uses it any more, so that a descriptor number the system gives
 * out again is never read by mistake.
 */
public final class DisplaySocket implements Closeable {

    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Reads and writes share it; the final close takes it alone. */
    private final ReadWriteLock inUse = new ReentrantReadWriteLock();
    private final InputStream in = new In();
    private final OutputStream out = new Out();

    DisplaySocket(int fd) {
        this.fd = fd;
    }

    public InputStream in() {
        return in;
    }

    public OutputStream out() {
        return out;
    }

    /** How long a read waits before it fails with a {@link java.net.SocketTimeoutException}; zero: for ever. */
    public void readTimeout(Duration timeout) throws IOException {
        inUse.readLock().lock();
        try {
            open();
            LibvirtNative.receiveTimeout(fd, timeout.toMillis());
        } finally {
            inUse.readLock().unlock();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LibvirtNative.shutdown(fd);
        inUse.writeLock().lock();
        try {
            LibvirtNative.close(fd);
        } finally {
            inUse.writeLock().unlock();
        }
    }

    private void open() throws IOException {
        if (closed.get()) {
            throw new IOException("the display's socket is closed");
        }
    }

    private final class In extends InputStream {

        private byte[] buffer = new byte[0];

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            inUse.readLock().lock();
            try {
                if (closed.get()) {
                    return -1;
                }
                if (offset == 0) {
                    int read = LibvirtNative.receive(fd, target, length);
                    return read == 0 ? -1 : read;
                }
                if (buffer.length < length) {
                    buffer = new byte[length];
                }
                int read = LibvirtNative.receive(fd, buffer, length);
                if (read == 0) {
                    return -1;
                }
                System.arraycopy(buffer, 0, target, offset, read);
                return read;
            } finally {
                inUse.readLock().unlock();
            }
        }

        @Override
        public void close() {
            DisplaySocket.this.close();
        }
    }

    private final class Out extends OutputStream {

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] source, int offset, int length) throws IOException {
            inUse.readLock().lock();
            try {
                open();
                byte[] bytes = offset == 0 ? source : Arrays.copyOfRange(source, offset, offset + length);
                LibvirtNative.sendAll(fd, bytes, length);
            } finally {
                inUse.readLock().unlock();
            }
        }

        @Override
        public void close() {
            DisplaySocket.this.close();
        }
    }
}

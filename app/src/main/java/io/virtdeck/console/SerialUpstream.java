package io.virtdeck.console;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ReadableByteChannel;

import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.SerialConsole;

/**
 * A serial console as the guest's side of a session. libvirt's stream is read without blocking, so the pump's read
 * looks again every few milliseconds until bytes come (a console's output is small and bursty: typing echoes within
 * the interval).
 */
final class SerialUpstream implements Upstream {

    private static final long POLL_MILLIS = 15;

    private final SerialConsole console;
    private volatile boolean closed;

    SerialUpstream(SerialConsole console) {
        this.console = console;
    }

    @Override
    public ReadableByteChannel source() {
        return new ReadableByteChannel() {
            private final byte[] chunk = new byte[16 * 1024];

            @Override
            public int read(ByteBuffer into) throws IOException {
                while (true) {
                    if (closed) {
                        throw new AsynchronousCloseException();
                    }
                    byte[] target = into.remaining() >= chunk.length ? chunk : new byte[into.remaining()];
                    int read = console.read(target);
                    if (read < 0) {
                        return -1;
                    }
                    if (read > 0) {
                        into.put(target, 0, read);
                        return read;
                    }
                    try {
                        Thread.sleep(POLL_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AsynchronousCloseException();
                    }
                }
            }

            @Override
            public boolean isOpen() {
                return !closed;
            }

            @Override
            public void close() {
                SerialUpstream.this.close();
            }
        };
    }

    @Override
    public OutputStream out() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                try {
                    console.write(bytes, offset, length);
                } catch (HypervisorException e) {
                    throw new IOException("the serial console ended: " + e.getMessage(), e);
                }
            }
        };
    }

    @Override
    public void close() {
        closed = true;
        console.close();
    }
}

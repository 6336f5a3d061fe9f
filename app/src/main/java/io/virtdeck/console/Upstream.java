package io.virtdeck.console;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.ReadableByteChannel;

/** The guest's side of a console session: a VNC server's connection or a serial console's stream. */
interface Upstream extends AutoCloseable {

    /** Bytes from the guest; read blocks until some come, -1 at the end. */
    ReadableByteChannel source() throws IOException;

    /** Bytes to the guest. */
    OutputStream out();

    @Override
    void close();

    static Upstream of(VncUpstream vnc) {
        return new Upstream() {
            @Override
            public ReadableByteChannel source() throws IOException {
                return vnc.source();
            }

            @Override
            public OutputStream out() {
                return vnc.out();
            }

            @Override
            public void close() {
                vnc.close();
            }
        };
    }
}

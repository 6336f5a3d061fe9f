package io.virtdeck.console;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The server's half of the RFB handshake toward the browser, which Virtdeck plays itself: RFB 3.8 (or 3.7/3.3 for
 * older clients) offering no authentication, since the ticket was the check. Bytes arrive in WebSocket messages split
 * anywhere, so they are gathered until each step is complete. Once done, what follows is the browser's ClientInit and
 * the session itself: {@link #accept} hands it back for relaying.
 */
final class BrowserHandshake {

    static final byte[] SERVER_VERSION = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);

    private enum Step { VERSION, SECURITY, DONE }

    private final ByteArrayOutputStream gathered = new ByteArrayOutputStream();
    private Step step = Step.VERSION;
    private int minor;

    boolean done() {
        return step == Step.DONE;
    }

    /**
     * Takes bytes from the browser; sends the replies the handshake needs through {@code reply}; returns the bytes
     * past the end of the handshake (empty until then).
     */
    ByteBuffer accept(ByteBuffer data, Consumer<byte[]> reply) throws ConsoleRefusedException {
        while (step != Step.DONE && data.hasRemaining()) {
            int need = (step == Step.VERSION ? 12 : 1) - gathered.size();
            int take = Math.min(need, data.remaining());
            byte[] part = new byte[take];
            data.get(part);
            gathered.writeBytes(part);
            if (take == need) {
                finishStep(gathered.toByteArray(), reply);
                gathered.reset();
            }
        }
        return data.slice();
    }

    private void finishStep(byte[] message, Consumer<byte[]> reply) throws ConsoleRefusedException {
        if (step == Step.VERSION) {
            String version = new String(message, StandardCharsets.US_ASCII);
            if (!version.matches("RFB 003\\.\\d{3}\n")) {
                throw new ConsoleRefusedException("The browser did not speak VNC.");
            }
            minor = Math.min(Integer.parseInt(version.substring(8, 11)), 8);
            if (minor < 7) {
                reply.accept(new byte[] {0, 0, 0, VncUpstream.NONE}); // 3.3: the server decides, no result follows
                step = Step.DONE;
            } else {
                reply.accept(new byte[] {1, VncUpstream.NONE});
                step = Step.SECURITY;
            }
            return;
        }
        if (message[0] != VncUpstream.NONE) {
            throw new ConsoleRefusedException("The browser chose a login Virtdeck did not offer.");
        }
        if (minor >= 8) {
            reply.accept(new byte[] {0, 0, 0, 0}); // SecurityResult: OK
        }
        step = Step.DONE;
    }
}

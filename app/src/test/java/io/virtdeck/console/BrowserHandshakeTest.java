package io.virtdeck.console;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The browser's side of the RFB handshake arrives split anywhere; what follows it is handed on untouched. */
class BrowserHandshakeTest {

    @Test
    void rfb38InPiecesGetsNoneAndAnOkThenTheRestIsRelayed() throws Exception {
        BrowserHandshake handshake = new BrowserHandshake();
        ByteArrayOutputStream replies = new ByteArrayOutputStream();
        ByteArrayOutputStream relayed = new ByteArrayOutputStream();
        byte[] browser = concat("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII), new byte[] {1, 1, 9, 9});
        for (byte b : browser) { // one byte per WebSocket message: the worst split
            ByteBuffer rest = handshake.accept(ByteBuffer.wrap(new byte[] {b}), replies::writeBytes);
            byte[] bytes = new byte[rest.remaining()];
            rest.get(bytes);
            relayed.writeBytes(bytes);
        }
        assertThat(handshake.done()).isTrue();
        assertThat(replies.toByteArray()).containsExactly(1, 1, 0, 0, 0, 0); // security types [None], result OK
        assertThat(relayed.toByteArray()).as("ClientInit and what follows").containsExactly(1, 9, 9);
    }

    @Test
    void anOldRfb33ClientIsToldNoneWithoutAChoice() throws Exception {
        BrowserHandshake handshake = new BrowserHandshake();
        ByteArrayOutputStream replies = new ByteArrayOutputStream();
        ByteBuffer rest = handshake.accept(ByteBuffer.wrap(concat("RFB 003.003\n".getBytes(StandardCharsets
                .US_ASCII), new byte[] {1})), replies::writeBytes);
        assertThat(replies.toByteArray()).containsExactly(0, 0, 0, 1);
        assertThat(rest.remaining()).isEqualTo(1);
    }

    @Test
    void somethingThatIsNotVncOrChoosesAnotherLoginIsRefused() {
        assertThatThrownBy(() -> new BrowserHandshake().accept(ByteBuffer.wrap("GET / HTTP/1.1\r\n"
                .getBytes(StandardCharsets.US_ASCII)), reply -> { }))
                .isInstanceOf(ConsoleRefusedException.class).hasMessageContaining("did not speak VNC");
        assertThatThrownBy(() -> new BrowserHandshake().accept(ByteBuffer.wrap(concat("RFB 003.008\n"
                .getBytes(StandardCharsets.US_ASCII), new byte[] {2})), reply -> { }))
                .isInstanceOf(ConsoleRefusedException.class).hasMessageContaining("did not offer");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}

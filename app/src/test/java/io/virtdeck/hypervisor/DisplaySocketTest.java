package io.virtdeck.hypervisor;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A descriptor as libvirt hands one over (virDomainOpenGraphicsFD): here one end of a socket pair, the other end
 * played by the test through the C library.
 */
class DisplaySocketTest {

    private interface C extends Library {
        int socketpair(int domain, int type, int protocol, int[] fds);

        int send(int fd, byte[] buffer, long length, int flags);

        int recv(int fd, byte[] buffer, long length, int flags);

        int close(int fd);
    }

    private static final C LIBC = Native.load("c", C.class);

    @Test
    void bytesGoBothWaysAndCloseWakesABlockedReader() throws Exception {
        int[] pair = new int[2];
        assertThat(LIBC.socketpair(1 /* AF_UNIX */, 1 /* SOCK_STREAM */, 0, pair)).isZero();
        int peer = pair[1];
        DisplaySocket display = new DisplaySocket(pair[0]);
        try {
            byte[] greeting = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);
            LIBC.send(peer, greeting, greeting.length, 0);
            byte[] read = new byte[20];
            int n = display.in().read(read, 3, 17); // at an offset, as a BufferedInputStream reads
            assertThat(new String(read, 3, n, StandardCharsets.US_ASCII)).isEqualTo("RFB 003.008\n");

            display.out().write("xxRFB 003.008\nyy".getBytes(StandardCharsets.US_ASCII), 2, 12);
            byte[] answer = new byte[32];
            int got = LIBC.recv(peer, answer, answer.length, 0);
            assertThat(new String(answer, 0, got, StandardCharsets.US_ASCII)).isEqualTo("RFB 003.008\n");

            CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return display.in().read(new byte[8], 0, 8);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(200);
            assertThat(blocked).isNotDone(); // the display is silent
            long started = System.nanoTime();
            display.close();
            assertThat(blocked.get(5, TimeUnit.SECONDS)).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            assertThatThrownBy(() -> display.out().write(1)).hasMessageContaining("closed");
            assertThat(display.in().read()).isEqualTo(-1);
            display.close(); // twice is fine
        } finally {
            LIBC.close(peer);
        }
    }

    @Test
    void aReadTimeoutEndsTheWaitForASilentDisplayAndZeroLiftsIt() throws Exception {
        int[] pair = new int[2];
        assertThat(LIBC.socketpair(1, 1, 0, pair)).isZero();
        try (DisplaySocket display = new DisplaySocket(pair[0])) {
            display.readTimeout(Duration.ofMillis(300));
            long started = System.nanoTime();
            assertThatThrownBy(() -> display.in().read(new byte[4], 0, 4))
                    .isInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(250),
                    Duration.ofSeconds(3));
            display.readTimeout(Duration.ZERO);
            LIBC.send(pair[1], new byte[] {7}, 1, 0);
            assertThat(display.in().read()).isEqualTo(7);
        } finally {
            LIBC.close(pair[1]);
        }
    }

    @Test
    void theDisplayHangingUpEndsTheStream() throws Exception {
        int[] pair = new int[2];
        assertThat(LIBC.socketpair(1, 1, 0, pair)).isZero();
        try (DisplaySocket display = new DisplaySocket(pair[0])) {
            LIBC.close(pair[1]);
            assertThat(display.in().read(new byte[4], 0, 4)).isEqualTo(-1);
            assertThatThrownBy(() -> display.out().write(new byte[] {1, 2, 3}, 0, 3))
                    .hasMessageContaining("writing to the display's socket failed"); // EPIPE, and no SIGPIPE
        }
    }
}

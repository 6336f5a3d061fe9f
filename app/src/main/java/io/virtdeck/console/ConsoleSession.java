package io.virtdeck.console;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * One open console: a browser's WebSocket joined to a guest's VNC server or serial console. Bytes from the guest
 * are pumped to the browser by one thread per session; bytes from the browser are written on the WebSocket's own
 * thread.
 */
public final class ConsoleSession {

    /** What ADMIN sees of a session. */
    public record View(String id, String user, long guestId, String guestName, String hostName, Instant openedAt,
                       long bytesToBrowser, long bytesFromBrowser, boolean oneTimePassword, String remoteAddress,
                       String instance, String kind) {
    }

    /** What the pump reads from the display at most at once, and sends to the browser as one message. */
    private static final int CHUNK = 64 * 1024;

    private final String id;
    private final ConsoleGrant grant;
    private final String guestName;
    private final String hostName;
    private final String instance;
    private final boolean oneTimePassword;
    private final WebSocketSession browser;
    private final Upstream guest;
    private final ConsoleKind kind;
    private final BrowserHandshake handshake = new BrowserHandshake();
    private final Instant openedAt = Instant.now();
    private final AtomicLong toBrowser = new AtomicLong();
    private final AtomicLong fromBrowser = new AtomicLong();
    private volatile String closedBy;
    private volatile boolean closing;

    ConsoleSession(String id, ConsoleGrant grant, String guestName, String hostName, boolean oneTimePassword,
                   WebSocketSession browser, VncUpstream guest, String instance) {
        this(id, grant, guestName, hostName, oneTimePassword, browser, Upstream.of(guest), instance, ConsoleKind.VNC);
    }

    ConsoleSession(String id, ConsoleGrant grant, String guestName, String hostName, boolean oneTimePassword,
                   WebSocketSession browser, Upstream guest, String instance, ConsoleKind kind) {
        this.kind = kind;
        this.id = id;
        this.instance = instance;
        this.grant = grant;
        this.guestName = guestName;
        this.hostName = hostName;
        this.oneTimePassword = oneTimePassword;
        this.browser = browser;
        this.guest = guest;
    }

    String id() {
        return id;
    }

    ConsoleGrant grant() {
        return grant;
    }

    String guestName() {
        return guestName;
    }

    Instant openedAt() {
        return openedAt;
    }

    long bytesToBrowser() {
        return toBrowser.get();
    }

    long bytesFromBrowser() {
        return fromBrowser.get();
    }

    String closedBy() {
        return closedBy;
    }

    ConsoleKind kind() {
        return kind;
    }

    View view() {
        return new View(id, grant.user(), grant.guestId(), guestName, hostName, openedAt, toBrowser.get(),
                fromBrowser.get(), oneTimePassword,
                browser.getRemoteAddress() == null ? null : browser.getRemoteAddress().getAddress().getHostAddress(),
                instance, kind.code());
    }

    /** Starts the browser's half of the handshake: the server speaks first in RFB. */
    void greet() throws IOException {
        send(ByteBuffer.wrap(BrowserHandshake.SERVER_VERSION));
    }

    /** Bytes from the browser: the handshake first (VNC), then straight to the guest's VNC server or serial port. */
    void fromBrowser(ByteBuffer payload) throws IOException, ConsoleRefusedException {
        fromBrowser.addAndGet(payload.remaining());
        // a serial console has no handshake: its bytes are the terminal's
        ByteBuffer rest = kind == ConsoleKind.SERIAL || handshake.done() ? payload
                : handshake.accept(payload, reply -> {
                    try {
                        send(ByteBuffer.wrap(reply));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
        if (rest.hasRemaining()) {
            if (rest.hasArray()) {
                guest.out().write(rest.array(), rest.arrayOffset() + rest.position(), rest.remaining());
            } else {
                byte[] copy = new byte[rest.remaining()];
                rest.get(copy);
                guest.out().write(copy);
            }
            guest.out().flush();
        }
    }

    /**
     * The pump: runs on its own thread until the guest's side ends or the session is closed. A direct buffer, reused:
     * the socket reads into it and Tomcat writes from it without copying it to and from the Java heap; reuse is safe
     * because a send returns once the message is written.
     */
    void pumpToBrowser() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        String reason = kind == ConsoleKind.SERIAL
                ? "The serial console ended (the guest stopped or moved, or someone took the console over)."
                : "The guest's display closed the connection (the guest stopped or moved).";
        try {
            ReadableByteChannel in = guest.source();
            while (in.read(buffer) >= 0) {
                if (buffer.position() > 0) {
                    send(buffer.flip());
                    buffer.clear();
                }
            }
        } catch (IOException e) {
            if (closing || !browser.isOpen()) {
                return; // Virtdeck or the browser ended the session: that close carries the reason
            }
            reason = "The connection to the guest's display was lost: " + e.getMessage();
        }
        close(new CloseStatus(4000, reason), null);
    }

    /** Ends the session from Virtdeck's side; {@code by} names an ADMIN who closed it. */
    void close(CloseStatus status, String by) {
        if (by != null) {
            closedBy = by;
        }
        closing = true;
        try {
            synchronized (browser) {
                if (browser.isOpen()) {
                    browser.close(status.withReason(shorten(status.getReason())));
                }
            }
        } catch (IOException e) {
            // the browser went away at the same moment: it is closed either way
        } finally {
            guest.close();
        }
    }

    /** The browser's side closed: let go of the guest's. */
    void browserClosed() {
        guest.close();
    }

    private void send(ByteBuffer bytes) throws IOException {
        int length = bytes.remaining();
        synchronized (browser) {
            browser.sendMessage(new BinaryMessage(bytes, true));
        }
        toBrowser.addAndGet(length);
    }

    /** A WebSocket close reason may hold 123 bytes. */
    private static String shorten(String reason) {
        if (reason == null) {
            return null;
        }
        byte[] utf8 = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return utf8.length <= 123 ? reason : new String(utf8, 0, 116, java.nio.charset.StandardCharsets.UTF_8) + "...";
    }
}

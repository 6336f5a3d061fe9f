package io.virtdeck.console;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.virtdeck.hypervisor.DisplaySocket;
import io.virtdeck.hypervisor.VncEndpoint;

/**
 * The proxy's connection to a guest's VNC server, logged in by Virtdeck: after {@link #open} the server waits for the
 * browser's ClientInit, and everything after that is relayed unchanged. Logging in here (rather than in the browser)
 * keeps the one-time password inside Virtdeck.
 */
final class VncUpstream implements Closeable {

    static final int NONE = 1;
    static final int VNC_AUTH = 2;
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int LOGIN_TIMEOUT_MS = 10_000;
    /** How long ssh gets to log in to the host and listen on the forwarded socket. */
    private static final int TUNNEL_TIMEOUT_MS = 15_000;

    /** The login reads a few bytes at a time through this; the session's bulk goes past it ({@link #source}). */
    private static final int LOGIN_BUFFER = 8 * 1024;

    private final InputStream in;
    private final OutputStream out;
    private final Closeable connection;
    private final SocketChannel channel;

    private VncUpstream(InputStream in, OutputStream out, Closeable connection, SocketChannel channel) {
        this.in = in;
        this.out = out;
        this.connection = connection;
        this.channel = channel;
    }

    /**
     * Connects (directly or through SSH, the client given {@code sshOptions} before the destination) and logs in with
     * {@code password}, or none when it is null.
     */
    static VncUpstream open(VncEndpoint endpoint, String password, String sshCommand, List<String> sshOptions)
            throws IOException, ConsoleRefusedException {
        VncUpstream upstream = !endpoint.tunnelled() ? direct(endpoint)
                : endpoint.socket() != null ? socketTunnel(endpoint, sshCommand, sshOptions)
                : tunnel(endpoint, sshCommand, sshOptions);
        return loggedIn(upstream, password);
    }

    /** Logs in on a socket libvirt connected to the display ({@link VncEndpoint#throughLibvirt()}). */
    static VncUpstream over(DisplaySocket display, String password) throws IOException, ConsoleRefusedException {
        try {
            display.readTimeout(Duration.ofMillis(LOGIN_TIMEOUT_MS));
        } catch (IOException e) {
            display.close();
            throw e;
        }
        return loggedIn(new VncUpstream(new BufferedInputStream(display.in(), LOGIN_BUFFER), display.out(), display,
                null), password);
    }

    private static VncUpstream loggedIn(VncUpstream upstream, String password)
            throws IOException, ConsoleRefusedException {
        try {
            upstream.login(password);
            upstream.loggedIn();
            return upstream;
        } catch (IOException | ConsoleRefusedException | RuntimeException e) {
            upstream.close();
            throw e;
        }
    }

    /**
     * Where the session reads the display from once logged in: the socket's own channel, which reads straight into
     * the pump's direct buffer (a stream would copy every chunk twice more on the way to Tomcat's socket); the stream
     * where there is no channel (SSH's -W, a socket from libvirt) or where the login's buffer still holds bytes (a
     * server that spoke early).
     */
    ReadableByteChannel source() throws IOException {
        return channel != null && in.available() == 0 ? channel : Channels.newChannel(in);
    }

    OutputStream out() {
        return out;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (IOException e) {
            // closing a connection that already failed: nothing more to do
        }
    }

    private static VncUpstream direct(VncEndpoint endpoint) throws IOException {
        SocketChannel channel = SocketChannel.open();
        Socket socket = channel.socket();
        try {
            socket.setTcpNoDelay(true); // keystrokes and small updates go out at once
            socket.connect(new InetSocketAddress(endpoint.address(), endpoint.port()), CONNECT_TIMEOUT_MS);
            socket.setSoTimeout(LOGIN_TIMEOUT_MS);
            return new VncUpstream(new BufferedInputStream(socket.getInputStream(), LOGIN_BUFFER),
                    socket.getOutputStream(), socket, channel);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** {@code ssh -W address:port destination}: the SSH client carries the bytes, as libvirt's own ssh transport does. */
    private static VncUpstream tunnel(VncEndpoint endpoint, String sshCommand, List<String> sshOptions)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(sshCommand, "-o", "BatchMode=yes", "-o",
                "ConnectTimeout=" + CONNECT_TIMEOUT_MS / 1000, "-W", endpoint.address() + ":" + endpoint.port()));
        if (endpoint.sshPort() > 0) {
            command.addAll(List.of("-p", Integer.toString(endpoint.sshPort())));
        }
        command.addAll(sshOptions);
        command.add(endpoint.sshDestination());
        Process ssh = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return new VncUpstream(new BufferedInputStream(ssh.getInputStream(), LOGIN_BUFFER), ssh.getOutputStream(),
                ssh::destroy, null);
    }

    /**
     * A display on a UNIX socket of a qemu+ssh host: {@code ssh -N -L local.sock:/remote/vnc.sock destination}
     * (OpenSSH's direct-streamlocal channel) forwards a socket in a directory only Virtdeck's user can enter to the
     * display's socket; Virtdeck connects to it once, then removes it (the connection stays). {@code ssh -W} cannot
     * be used: OpenSSH 9.2 takes {@code -W /path} without complaint and opens a login session instead.
     */
    private static VncUpstream socketTunnel(VncEndpoint endpoint, String sshCommand, List<String> sshOptions)
            throws IOException {
        Path directory = Files.createTempDirectory("virtdeck-vnc-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path local = directory.resolve("vnc.sock");
        List<String> command = new ArrayList<>(List.of(sshCommand, "-o", "BatchMode=yes", "-o",
                "ConnectTimeout=" + CONNECT_TIMEOUT_MS / 1000, "-o", "ExitOnForwardFailure=yes", "-N",
                "-L", local + ":" + endpoint.socket()));
        if (endpoint.sshPort() > 0) {
            command.addAll(List.of("-p", Integer.toString(endpoint.sshPort())));
        }
        command.addAll(sshOptions);
        command.add(endpoint.sshDestination());
        Process ssh = new ProcessBuilder(command).redirectErrorStream(true).start();
        ssh.getOutputStream().close();
        try {
            long deadline = System.nanoTime() + TUNNEL_TIMEOUT_MS * 1_000_000L;
            SocketChannel channel = null;
            while (channel == null) {
                if (!ssh.isAlive()) {
                    String said = new String(ssh.getInputStream().readNBytes(1024), StandardCharsets.UTF_8).strip();
                    throw new IOException("ssh to " + endpoint.sshDestination() + " ended without forwarding the"
                            + " display's socket" + (said.isEmpty() ? "" : ": " + said));
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("ssh to " + endpoint.sshDestination() + " did not forward the display's"
                            + " socket within " + TUNNEL_TIMEOUT_MS / 1000 + " s");
                }
                if (Files.exists(local)) {
                    try {
                        channel = SocketChannel.open(UnixDomainSocketAddress.of(local));
                    } catch (ConnectException notListeningYet) {
                        // bound, not yet listening: a moment more
                    }
                }
                if (channel == null) {
                    Thread.sleep(20);
                }
            }
            SocketChannel connected = channel;
            Closeable connection = () -> {
                try {
                    connected.close();
                } finally {
                    ssh.destroy();
                }
            };
            return new VncUpstream(new BufferedInputStream(channelIn(connected), LOGIN_BUFFER),
                    channelOut(connected), connection, connected);
        } catch (IOException e) {
            ssh.destroy();
            throw e;
        } catch (InterruptedException e) {
            ssh.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while ssh forwarded the display's socket", e);
        } finally {
            Files.deleteIfExists(local);
            Files.deleteIfExists(directory);
        }
    }

    /**
     * A channel's reads as a stream; not {@link Channels#newInputStream}, which holds the channel's blocking lock
     * while it waits, and so would hold up the browser's writes ({@link #channelOut}) for as long as the display is
     * silent.
     */
    private static InputStream channelIn(SocketChannel channel) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return length == 0 ? 0 : channel.read(ByteBuffer.wrap(buffer, offset, length));
            }
        };
    }

    private static OutputStream channelOut(SocketChannel channel) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                ByteBuffer bytes = ByteBuffer.wrap(buffer, offset, length);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            }
        };
    }

    /** Lifts the login's read timeout: a console may sit idle for hours. */
    private void loggedIn() throws IOException {
        if (connection instanceof Socket socket) {
            socket.setSoTimeout(0);
        } else if (connection instanceof DisplaySocket display) {
            display.readTimeout(Duration.ZERO);
        }
    }

    /** RFB 3.3, 3.7 or 3.8 as a client, choosing None when offered, else VNC authentication with the password. */
    private void login(String password) throws IOException, ConsoleRefusedException {
        DataInputStream server = new DataInputStream(in);
        byte[] greeting = new byte[12];
        server.readFully(greeting);
        String version = new String(greeting, StandardCharsets.US_ASCII);
        if (!version.matches("RFB \\d{3}\\.\\d{3}\n")) {
            throw new ConsoleRefusedException("The guest's display did not answer as a VNC server.");
        }
        int major = Integer.parseInt(version.substring(4, 7));
        int minor = Integer.parseInt(version.substring(8, 11));
        int spoken = major > 3 || minor >= 8 ? 8 : minor >= 7 ? 7 : 3;
        send(("RFB 003.00" + spoken + "\n").getBytes(StandardCharsets.US_ASCII));
        int type;
        if (spoken == 3) {
            type = server.readInt();
            if (type == 0) {
                throw refusedBy(server);
            }
        } else {
            int count = server.readUnsignedByte();
            if (count == 0) {
                throw refusedBy(server);
            }
            byte[] offered = new byte[count];
            server.readFully(offered);
            type = choose(offered, password != null);
            send(new byte[] {(byte) type});
        }
        if (type == VNC_AUTH) {
            byte[] challenge = new byte[16];
            server.readFully(challenge);
            send(VncPassword.respond(password, challenge));
        }
        if (type == VNC_AUTH || spoken == 8) {
            if (server.readInt() != 0) {
                throw spoken == 8 ? refusedBy(server)
                        : new ConsoleRefusedException("The guest's display refused Virtdeck's password.");
            }
        }
    }

    private static int choose(byte[] offered, boolean havePassword) throws ConsoleRefusedException {
        boolean vncAuth = false;
        for (byte type : offered) {
            if (type == NONE) {
                return NONE;
            }
            vncAuth |= type == VNC_AUTH;
        }
        if (vncAuth && havePassword) {
            return VNC_AUTH;
        }
        throw new ConsoleRefusedException(vncAuth
                ? "The guest's display asks for a password and its host did not take a one-time password from Virtdeck."
                : "The guest's display only offers a kind of login Virtdeck does not speak.");
    }

    private static ConsoleRefusedException refusedBy(DataInputStream server) throws IOException {
        int length = server.readInt();
        byte[] reason = server.readNBytes(Math.min(Math.max(length, 0), 1024));
        return new ConsoleRefusedException("The guest's display refused the connection: "
                + new String(reason, StandardCharsets.UTF_8));
    }

    private void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }
}

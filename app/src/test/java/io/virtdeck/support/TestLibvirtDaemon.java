package io.virtdeck.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code libvirtd} serving libvirt's built-in test driver over plain TCP on 127.0.0.1, so that
 * {@link #uri()} ({@code test+tcp://127.0.0.1:PORT/default}) is a remote host a test can take away ({@link #stop()},
 * the process is killed), freeze ({@link #freeze()}, SIGSTOP: the host is silent but its socket stays open) and bring
 * back ({@link #start()}, same port). The test driver's {@code default} host has one running domain named
 * {@code test}; its state lives only while a client is connected and starts afresh with each daemon.
 *
 * <p>The daemon must not touch the machine: it runs as root in a private mount namespace
 * ({@code unshare -m --propagation private}) with tmpfs over /run/libvirt, /var/lib/libvirt, /var/cache/libvirt and
 * /etc/libvirt (a directory that does not exist on the machine is made inside a namespace-only overlay of its parent,
 * so nothing is created outside), with its own config, sockets, pid file and log in a temp directory, and with
 * {@code LIBVIRT_DRIVER_DIR} pointing at an empty directory: no QEMU, network or storage driver is loaded (the QEMU
 * driver would need a {@code libvirt-qemu} user and virtlogd), only the test driver built into libvirt itself.
 *
 * <p>Use it as {@code @RegisterExtension static final TestLibvirtDaemon DAEMON = new TestLibvirtDaemon();} (killed
 * after the class, pass or fail) or with try-with-resources. A JVM shutdown hook kills any daemon still running.
 * When the machine cannot run it (not root, no unshare, no libvirtd) {@link #start()} fails and says why: it never
 * skips.
 *
 * <p>{@link #withTls} makes it listen on TLS as well ({@link #tlsUri()}), with a server certificate of a
 * {@link TestPki}, requiring a client certificate signed by the same CA. {@link #withSsh} runs an {@code sshd} in the
 * daemon's namespace on 127.0.0.1 (a generated host key, root's login by one generated client key only), so that
 * {@link #sshUri()} reaches the daemon through SSH (libvirt's virt-ssh-helper on the "remote" side, its socket in the
 * namespace's own /run/libvirt).
 */
public final class TestLibvirtDaemon implements AutoCloseable, AfterAllCallback {

    private static final Path LIBVIRTD = Path.of("/usr/sbin/libvirtd");
    private static final Duration READY_LIMIT = Duration.ofSeconds(15);
    private static final Set<TestLibvirtDaemon> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(TestLibvirtDaemon::kill),
                "test-libvirtd-cleanup"));
    }

    private Path dir;
    private int port;
    private TestPki tls;
    private int tlsPort;
    private boolean ssh;
    private int sshPort;
    private Process process;
    private int starts;

    /** Listens on TLS too, with the PKI's server certificate, and requires clients to show one of its CA's. */
    public synchronized TestLibvirtDaemon withTls(TestPki pki) {
        if (starts > 0) {
            throw new IllegalStateException("TLS must be chosen before the test libvirtd first starts");
        }
        this.tls = pki;
        return this;
    }

    /** Serves SSH too ({@link #sshUri()}, {@link #sshClientKey()}, {@link #sshKnownHosts()}). */
    public synchronized TestLibvirtDaemon withSsh() {
        if (starts > 0) {
            throw new IllegalStateException("SSH must be chosen before the test libvirtd first starts");
        }
        this.ssh = true;
        return this;
    }

    /** Starts the daemon: on a free port the first time, on the same port afterwards. Returns once it accepts. */
    public synchronized TestLibvirtDaemon start() {
        if (isRunning()) {
            throw new IllegalStateException("the test libvirtd is already running on port " + port);
        }
        if (dir == null) {
            checkEnvironment(ssh);
            prepare();
        }
        // The first port is picked by closing a socket bound to port 0: another process may take it in between,
        // so a first start that dies before listening gets another port. Later starts keep the port (the "host"
        // must come back at the same address).
        int attempts = starts == 0 ? 3 : 1;
        for (int attempt = 1; ; attempt++) {
            if (starts == 0) {
                port = freePort();
                tlsPort = tls == null ? 0 : freePort();
                sshPort = ssh ? freePort() : 0;
                writeConfig();
            }
            try {
                launch();
                starts++;
                return this;
            } catch (DiedEarly e) {
                if (attempt >= attempts) {
                    throw new IllegalStateException(e.getMessage());
                }
            }
        }
    }

    /** Kills the daemon (SIGKILL): the host goes away, its clients see the connection drop. */
    public synchronized void stop() {
        kill();
    }

    /** Stops the daemon with SIGSTOP: it keeps its sockets but answers nothing, like a hung or cut-off host. */
    public synchronized void freeze() {
        signal("STOP");
    }

    /** Lets a frozen daemon run again (SIGCONT). */
    public synchronized void thaw() {
        signal("CONT");
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public synchronized int port() {
        if (port == 0) {
            throw new IllegalStateException("the test libvirtd has not been started");
        }
        return port;
    }

    /** The test driver's default host over TLS ({@link #withTls}). */
    public synchronized String tlsUri() {
        if (tlsPort == 0) {
            throw new IllegalStateException("the test libvirtd does not listen on TLS (withTls) or has not started");
        }
        return "test+tls://127.0.0.1:" + tlsPort + "/default";
    }

    /** The test driver's default host through SSH as root, with libssh ({@link #withSsh}). */
    public String sshUri() {
        return sshUri("127.0.0.1", "/default");
    }

    /**
     * A test driver host through SSH at one of sshd's addresses: 127.0.0.1, or 127.0.0.2, which Virtdeck does not
     * take for its own machine (a display on that host's loopback is reached through an SSH tunnel). The path is the
     * test driver's on the daemon's side: /default or a host file.
     */
    public String sshUri(String address, String testDriverPath) {
        return "test+libssh://root@" + address + ":" + sshPort() + testDriverPath;
    }

    /** The private key (OpenSSH PEM) that root's authorized_keys accepts. */
    public String sshClientKey() {
        return read("ssh/client_key");
    }

    /** The known_hosts lines of this sshd's host key, for 127.0.0.1 and 127.0.0.2 on its port. */
    public String sshKnownHosts() {
        String[] key = read("ssh/host_key.pub").strip().split(" ");
        return "[127.0.0.1]:" + sshPort() + " " + key[0] + " " + key[1] + "\n"
                + "[127.0.0.2]:" + sshPort() + " " + key[0] + " " + key[1] + "\n";
    }

    public synchronized Path sshDirectory() {
        return dir.resolve("ssh");
    }

    private synchronized int sshPort() {
        if (sshPort == 0) {
            throw new IllegalStateException("the test libvirtd does not serve SSH (withSsh) or has not started");
        }
        return sshPort;
    }

    private String read(String name) {
        try {
            return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URI Virtdeck connects to: the test driver's default host, served remotely by this daemon. */
    public String uri() {
        return "test+tcp://127.0.0.1:" + port() + "/default";
    }

    @Override
    public synchronized void close() {
        kill();
        if (dir != null) {
            deleteQuietly(dir);
            dir = null;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    // --- starting -----------------------------------------------------------------------------------------------

    private static void checkEnvironment(boolean ssh) {
        String why = null;
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            why = "it needs Linux (mount namespaces), this is " + System.getProperty("os.name");
        } else if (uid() != 0) {
            why = "it needs root to mount tmpfs in a private mount namespace; this JVM runs as uid " + uid();
        } else if (!Files.isExecutable(LIBVIRTD)) {
            why = LIBVIRTD + " is missing: install Debian's libvirt-daemon package (libvirt 9.x)";
        } else if (onPath("unshare") == null) {
            why = "unshare is not on the PATH: install util-linux";
        } else if (!Files.isExecutable(Path.of("/bin/sh"))) {
            why = "/bin/sh is missing";
        } else if (ssh && (!Files.isExecutable(Path.of("/usr/sbin/sshd")) || onPath("ssh-keygen") == null)) {
            why = "SSH needs /usr/sbin/sshd and ssh-keygen: install Debian's openssh-server";
        }
        if (why != null) {
            throw new IllegalStateException("Cannot run a test libvirtd on this machine: " + why + ".");
        }
    }

    private void prepare() {
        try {
            dir = Files.createTempDirectory("virtdeck-libvirtd-");
            Files.createDirectories(dir.resolve("sock"));
            Files.createDirectories(dir.resolve("scratch"));
            Files.createDirectories(dir.resolve("drivers"));
            Path wrapper = dir.resolve("run-libvirtd.sh");
            Files.writeString(wrapper, wrapperScript(ssh), StandardCharsets.UTF_8);
            if (ssh) {
                Path keys = Files.createDirectories(dir.resolve("ssh"));
                for (String key : List.of("host_key", "client_key")) {
                    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "virtdeck-test",
                            "-f", keys.resolve(key).toString());
                }
                Files.copy(keys.resolve("client_key.pub"), keys.resolve("authorized_keys"));
            }
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the test libvirtd's directory", e);
        }
    }

    /**
     * Runs inside the new mount namespace (the unshare process execs it, and it execs libvirtd: one pid throughout).
     * Mounts there vanish with the namespace when libvirtd dies.
     */
    private static String wrapperScript(boolean ssh) {
        String sshd = !ssh ? "" : """
                /usr/sbin/sshd -D -f "$work/ssh/sshd_config" -E "$work/ssh/sshd.log" &
                """;
        return """
                #!/bin/sh
                # Generated by Virtdeck's TestLibvirtDaemon. Runs inside `unshare -m --propagation private`.
                set -eu
                work="$1"
                mount -t tmpfs -o size=64m,mode=0700 virtdeck-scratch "$work/scratch"
                n=0
                for d in %s/run/libvirt /var/lib/libvirt /var/cache/libvirt /etc/libvirt; do
                  if [ ! -d "$d" ]; then
                    # not on this machine: make it in an overlay of its parent that only this namespace sees
                    parent=$(dirname "$d")
                    while [ ! -d "$parent" ]; do parent=$(dirname "$parent"); done
                    n=$((n + 1))
                    mkdir -p "$work/scratch/overlay$n/upper" "$work/scratch/overlay$n/work"
                    mount -t overlay virtdeck-overlay \\
                      -o "lowerdir=$parent,upperdir=$work/scratch/overlay$n/upper,workdir=$work/scratch/overlay$n/work" \\
                      "$parent"
                    mkdir -p "$d"
                  fi
                  mount -t tmpfs -o size=16m,mode=0755 virtdeck-libvirt "$d"
                done
                %s# sshd, started before libvirtd replaces this shell, stays its child: killed with it
                LIBVIRT_DRIVER_DIR="$work/drivers" exec /usr/sbin/libvirtd --listen \\
                  --config "$work/libvirtd.conf" --pid-file "$work/libvirtd.pid"
                """.formatted(ssh ? "/run/sshd " : "", sshd); // sshd's privilege separation directory first
    }

    private void writeConfig() {
        String config = """
                # Generated by Virtdeck's TestLibvirtDaemon
                listen_tls = 0
                listen_tcp = 1
                listen_addr = "127.0.0.1"
                tcp_port = "%d"
                auth_tcp = "none"
                auth_unix_ro = "none"
                auth_unix_rw = "none"
                unix_sock_dir = "%s"
                log_outputs = "3:file:%s"
                """.formatted(port, ssh ? "/run/libvirt" : dir.resolve("sock"), dir.resolve("libvirtd.log"));
        if (tls != null) {
            // clients must show a certificate of the same CA (tls_no_verify_certificate = 0 is libvirt's default)
            config = config.replace("listen_tls = 0", "listen_tls = 1") + """
                    tls_port = "%d"
                    auth_tls = "none"
                    ca_file = "%s"
                    cert_file = "%s"
                    key_file = "%s"
                    """.formatted(tlsPort, tls.file("ca.pem"), tls.file("server.pem"), tls.file("server.key"));
        }
        try {
            if (ssh) {
                // virt-ssh-helper finds the daemon at libvirt's usual socket, the namespace's own /run/libvirt
                Files.writeString(dir.resolve("ssh/sshd_config"), """
                        Port %d
                        ListenAddress 127.0.0.1
                        ListenAddress 127.0.0.2
                        HostKey %s
                        AuthorizedKeysFile %s
                        PidFile none
                        PermitRootLogin prohibit-password
                        PasswordAuthentication no
                        KbdInteractiveAuthentication no
                        UsePAM no
                        StrictModes no
                        """.formatted(sshPort, dir.resolve("ssh/host_key"), dir.resolve("ssh/authorized_keys")),
                        StandardCharsets.UTF_8);
            }
            Files.writeString(dir.resolve("libvirtd.conf"), config, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch() throws DiedEarly {
        try {
            Files.deleteIfExists(dir.resolve("libvirtd.pid"));
            Files.deleteIfExists(dir.resolve("libvirtd.log"));
            process = new ProcessBuilder("unshare", "--mount", "--propagation", "private",
                    dir.resolve("run-libvirtd.sh").toString(), dir.toString())
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .redirectError(dir.resolve("stderr.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run unshare to start the test libvirtd: " + e.getMessage(), e);
        }
        RUNNING.add(this);
        long deadline = System.nanoTime() + READY_LIMIT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                String output = output();
                process = null;
                RUNNING.remove(this);
                throw new DiedEarly("The test libvirtd on 127.0.0.1:" + port + " exited before listening:\n"
                        + output);
            }
            if (accepts(port) && (tlsPort == 0 || accepts(tlsPort)) && (sshPort == 0 || accepts(sshPort))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                String output = output();
                kill();
                throw new IllegalStateException("The test libvirtd did not listen on 127.0.0.1:" + port + " within "
                        + READY_LIMIT.toSeconds() + " s:\n" + output);
            }
            sleep(50);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String output() {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("stderr.log", "stdout.log", "libvirtd.log")) {
            Path file = dir.resolve(name);
            try {
                if (Files.exists(file)) {
                    String content = Files.readString(file, StandardCharsets.UTF_8).strip();
                    if (!content.isEmpty()) {
                        text.append("--- ").append(name).append(" ---\n").append(tail(content)).append('\n');
                    }
                }
            } catch (IOException e) {
                text.append("--- ").append(name).append(": unreadable: ").append(e.getMessage()).append('\n');
            }
        }
        return text.isEmpty() ? "(libvirtd wrote nothing; its files are in " + dir + ")" : text.toString();
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
    }

    // --- stopping -----------------------------------------------------------------------------------------------

    private synchronized void kill() {
        Process running = process;
        if (running == null) {
            return;
        }
        // Normally a single pid (unshare execs the wrapper, which execs libvirtd); kill any child the wrapper may
        // have had while still mounting, too.
        running.descendants().forEach(ProcessHandle::destroyForcibly);
        running.destroyForcibly();
        try {
            if (!running.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test libvirtd (pid " + running.pid() + ") did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        RUNNING.remove(this);
    }

    private void signal(String name) {
        if (!isRunning()) {
            throw new IllegalStateException("the test libvirtd is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling the test libvirtd");
        }
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private static void run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command[0]);
        }
    }

    private static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    private static Path onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        for (String entry : path.split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, program))) {
                return Path.of(entry, program);
            }
        }
        return null;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free TCP port", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the test libvirtd");
        }
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a socket file in use or similar: the temp directory is cleaned with the machine
                }
            });
        } catch (IOException ignored) {
            // as above
        }
    }

    private static final class DiedEarly extends Exception {
        DiedEarly(String message) {
            super(message);
        }
    }
}

package io.virtdeck.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * websockify, the proxy of noVNC's own launcher, WebVirtCloud and OpenStack's noVNC proxy, run as a child process in
 * front of one display for benchmarks that set Virtdeck's console proxy beside it: {@code websockify
 * 127.0.0.1:PORT 127.0.0.1:DISPLAY}, plain WebSocket on loopback, no TLS, no token. A WebSocket client opens it at
 * any path; websockify 0.10 answers the "binary" subprotocol to a client that asks for it and none to one that asks
 * for none, as noVNC 1.x does.
 *
 * <p>websockify 0.10 serves each connection in a process of its own (Python's multiprocessing, forked), so its CPU
 * time and memory are counted over the whole process tree: the listener and every connection's process.
 *
 * <p>Each connection's process, a Python of its own, holds tens of MiB: 200 consoles took 7.5-10 GiB here. On a
 * shared machine websockify is stopped if its processes ever hold more than {@link #MEMORY_BUDGET} in all.
 */
public final class Websockify implements AutoCloseable {

    private static final String COMMAND = "websockify";
    /** USER_HZ: /proc/PID/stat counts CPU time in these ticks. 100 on Linux everywhere that matters. */
    private static final long TICKS_PER_SECOND = 100;

    /** Half this 2-core, 23 GiB machine's memory, where other people's builds run too. */
    public static final long MEMORY_BUDGET = 12L << 30;

    private final Process process;
    private final int port;
    private volatile Footprint stoppedAt;

    private Websockify(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Whether websockify is on the PATH. */
    public static boolean available() {
        return onPath() != null;
    }

    private static Path onPath() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, COMMAND)).filter(Files::isExecutable).findFirst().orElse(null);
    }

    /**
     * websockify's version and its Python's, as the Python that runs it (its script's "#!" line: not necessarily the
     * python3 on the PATH) reads them from the package's metadata; "unknown" if it cannot.
     */
    public static String version() {
        try {
            String interpreter = Files.readAllLines(onPath()).get(0).substring(2).strip().split("\\s+")[0];
            Process python = new ProcessBuilder(interpreter, "-c", "import sys, importlib.metadata as m;"
                    + " print(m.version('websockify'), 'on Python', sys.version.split()[0])")
                    .redirectErrorStream(true).start();
            String printed = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return python.waitFor() == 0 ? printed : "unknown";
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "unknown";
        }
    }

    /** A loopback port free right now, for a websockify whose port must be known before it starts. */
    public static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** Starts websockify on {@code port} before the display at 127.0.0.1:{@code displayPort}, output to {@code log}. */
    public static Websockify start(int port, int displayPort, Path log) throws Exception {
        Process process = new ProcessBuilder(COMMAND, "127.0.0.1:" + port, "127.0.0.1:" + displayPort)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Websockify websockify = new Websockify(process, port);
        Thread watch = new Thread(websockify::stopOverBudget, "websockify-memory-watch");
        watch.setDaemon(true);
        watch.start();
        try {
            websockify.awaitListening();
            return websockify;
        } catch (Exception e) {
            websockify.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** CPU time (user and system) of websockify's processes, and of those of them already gone, in nanoseconds. */
    public long cpuNanos() {
        // each process's own time plus that of its children it has reaped: a connection's process that ended is
        // counted by its parent, one still running (or not yet reaped) by itself
        return tree().mapToLong(pid -> {
            String[] stat = stat(pid);
            return stat == null ? 0 : Long.parseLong(stat[11]) + Long.parseLong(stat[12]) + Long.parseLong(stat[13])
                    + Long.parseLong(stat[14]);
        }).sum() * (1_000_000_000 / TICKS_PER_SECOND);
    }

    /** Context switches of websockify's processes (each has one thread), ended and reaped ones aside. */
    public long contextSwitches() {
        return tree().mapToLong(pid -> contextSwitches(Path.of("/proc", Long.toString(pid), "status"))).sum();
    }

    /**
     * A task's context switches so far, voluntary (it waited: for a socket, a lock) and not (its time was up), from
     * its /proc status file; 0 if it has ended.
     */
    public static long contextSwitches(Path status) {
        try {
            return Files.readAllLines(status).stream().filter(line -> line.contains("ctxt_switches:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", ""))).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /** websockify's live processes: the listener and one per open connection (ended ones not yet reaped aside). */
    public int processes() {
        return (int) tree().filter(pid -> {
            String[] stat = stat(pid);
            return stat != null && !stat[0].equals("Z");
        }).count();
    }

    /**
     * What websockify holds: its live processes, and their memory as the kernel shares it out ({@code Pss} of
     * /proc/PID/smaps_rollup): pages shared by forked processes count once in all, not once per process as their
     * RSS would.
     *
     * @param processes as {@link #processes()}
     * @param proportionalBytes the sum of their {@code Pss}
     */
    public record Footprint(int processes, long proportionalBytes) {
    }

    public Footprint footprint() {
        return new Footprint(processes(), tree().mapToLong(pid -> {
            try {
                return Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup")).stream()
                        .filter(line -> line.startsWith("Pss:")).mapToLong(line -> Long.parseLong(
                                line.replaceAll("\\D", "")) * 1024).findFirst().orElse(0);
            } catch (IOException e) {
                return 0; // ended meanwhile (or a zombie: nothing to read)
            }
        }).sum());
    }

    /** What websockify held when it was stopped for holding more than {@link #MEMORY_BUDGET}; null if it was not. */
    public Footprint stoppedAt() {
        return stoppedAt;
    }

    private void stopOverBudget() {
        try {
            while (process.isAlive()) {
                Footprint now = footprint();
                if (now.proportionalBytes() > MEMORY_BUDGET) {
                    stoppedAt = now;
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    return;
                }
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends websockify: it ends its connections' processes itself; any left are ended here. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private Stream<Long> tree() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants()).map(ProcessHandle::pid);
    }

    /** The fields of /proc/PID/stat after the command's name: [0] is field 3 (state), [11] field 14 (utime). */
    private static String[] stat(long pid) {
        try {
            String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return line.substring(line.lastIndexOf(')') + 2).split(" ");
        } catch (IOException e) {
            return null; // ended meanwhile
        }
    }

    private void awaitListening() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("websockify ended at once, with " + process.exitValue());
            }
            // a connection that sends nothing: websockify forks for it, sees it close, and forgets it
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException("websockify did not listen on " + port + " within 30 s", notYet);
                }
                Thread.sleep(50);
            }
        }
    }
}

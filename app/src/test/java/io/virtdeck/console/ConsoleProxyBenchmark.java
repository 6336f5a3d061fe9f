package io.virtdeck.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.virtdeck.support.Api;
import io.virtdeck.support.ConsoleClient;
import io.virtdeck.support.FakeVncServer;
import io.virtdeck.support.JvmFootprint;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckServerTest;
import io.virtdeck.support.VncClient;
import io.virtdeck.support.Websockify;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console proxy's figures (issues 6 and 22): throughput against a direct TCP connection and against websockify
 * (noVNC's own proxy, run in front of the same display in the same run), the CPU each proxy spends per GiB moved, the
 * latency each adds per message, and what 200 consoles open at once cost through each. Run by
 * {@code scripts/bench-console.sh} ({@code mvn -pl app test -Pbenchmark}); the normal test run leaves it out.
 * websockify is measured where it is on the PATH ({@code scripts/install-deps.sh bench} installs it) and skipped,
 * with a printed line, where it is not. It prints its figures, lines starting "[bench]", and a table for
 * docs/benchmarks/console-proxy.md; it fails only on errors (a console that did not open through Virtdeck's proxy, or
 * closed early), never on a timing: timings on a shared machine are for people to read.
 */
@Tag("benchmark")
@VirtdeckServerTest
@AutoConfigureMockMvc
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleProxyBenchmark {

    private static final long MIB = 1024 * 1024;
    private static final double GIB = 1024.0 * MIB;
    private static final long WARM_UP_BYTES = 256 * MIB;
    private static final long MEASURED_BYTES = 512 * MIB;
    private static final int RUNS = 3;
    /** A pointer event is 6 bytes, a key event 8: a small message is what latency is about. */
    private static final byte[] MESSAGE = new byte[10];
    private static final int WARM_UP_ROUND_TRIPS = 5_000;
    private static final int ROUND_TRIPS = 10_000;
    private static final int ROUND_TRIP_BLOCK = 1_000;
    private static final int SESSIONS = 200;
    private static final int STREAM_SECONDS = 10;
    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final Path WEBSOCKIFY_LOG = Path.of("target", "websockify.log");

    /** Something that takes {@code bytes} from a streaming display, one way or another. */
    private interface Reader {
        void read(long bytes) throws Exception;
    }

    /**
     * CPU time so far, in nanoseconds: this JVM's (Virtdeck, the displays, the clients), the part of it spent by the
     * displays' threads and by this thread (where the lean clients read), and websockify's processes'; and the context
     * switches of all these threads and processes (a proxy that hands work between threads has more of them).
     */
    private record Cpu(long jvm, long displaysAndClient, long websockify, long switches) {

        static Cpu now(Websockify websockify) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long displays = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().equals(FakeVncServer.SESSION_THREAD))
                    .mapToLong(thread -> Math.max(0, threads.getThreadCpuTime(thread.getId()))).sum();
            long switches;
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                switches = tasks.mapToLong(task -> Websockify.contextSwitches(task.resolve("status"))).sum();
            } catch (IOException e) {
                switches = 0;
            }
            return new Cpu(processCpuNanos(), displays + threads.getCurrentThreadCpuTime(),
                    websockify == null ? 0 : websockify.cpuNanos(),
                    switches + (websockify == null ? 0 : websockify.contextSwitches()));
        }

        /** Spent since {@code start}; a display's thread that ended meanwhile would take its time along (none does). */
        Cpu since(Cpu start) {
            return new Cpu(jvm - start.jvm, displaysAndClient - start.displaysAndClient, websockify - start.websockify,
                    switches - start.switches);
        }

        /** Virtdeck's JVM beside the display and the lean client: the proxy, and all else the server did meanwhile. */
        long virtdeck() {
            return jvm - displaysAndClient;
        }

        /** Every process of the benchmark: the display, the client, and the proxy in the path. */
        long all() {
            return jvm + websockify;
        }
    }

    /** A proxy's share of the CPU time: what it is, and how it is told from the rest. */
    private record Share(String what, ToLongFunction<Cpu> of) {
    }

    private static final Share IN_VIRTDECK = new Share("Virtdeck's JVM beside display and client", Cpu::virtdeck);
    private static final Share IN_WEBSOCKIFY = new Share("websockify's processes", Cpu::websockify);

    /**
     * One way of reading the streaming display, and what it measured run by run: throughput, CPU per GiB of all
     * processes, and of its {@code share} (null where it cannot be told apart).
     */
    private record Contender(String name, Reader reader, Share share, double[] mibPerSecond, double[] cpuPerGib,
                             double[] shareCpuPerGib, double[] switchesPerMib) {
        Contender(String name, Reader reader, Share share) {
            this(name, reader, share, new double[RUNS], new double[RUNS], new double[RUNS], new double[RUNS]);
        }
    }

    /** Something that sends a message to an echoing display and waits for it to come back. */
    private interface Echo {
        void roundTrip(byte[] message) throws Exception;
    }

    /** A proxy under the many-consoles load, as the benchmark sees it; {@code F} is how its memory is measured. */
    private interface LoadedProxy<F> {
        /** Makes the display at {@code displayPort} reachable; the path to open for each console. */
        List<String> paths(int displayPort) throws Exception;

        F footprint() throws Exception;

        long cpuNanos();

        /** How many consoles the proxy holds open. */
        int held() throws Exception;
    }

    /**
     * What a many-consoles run measured: the load's "opened" and "streamed" lines (see {@link ConsoleLoad}), the
     * consoles the proxy held once all had opened and after all closed, its CPU time while all streamed, and its
     * footprint before and while all were open.
     */
    private record LoadRun<F>(String[] opened, String[] streamed, int held, int left, long cpuNanos, F before,
                              F during) {
        int failed() {
            return Integer.parseInt(opened[2]);
        }

        String firstFailure() {
            return String.join(" ", Arrays.copyOfRange(opened, Math.min(6, opened.length), opened.length));
        }

        double allOpenSeconds() {
            return Long.parseLong(opened[3]) / 1e3;
        }

        double slowestSeconds() {
            return Long.parseLong(opened[4]) / 1e3;
        }

        /** Bytes received by all consoles while all were open. */
        long streamedBytes() {
            return Long.parseLong(streamed[1]) - Long.parseLong(opened[5]);
        }

        long fewest() {
            return Long.parseLong(streamed[2]);
        }

        int closedEarly() {
            return Integer.parseInt(streamed[3]);
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;

    private Api api;
    private FakeVncServer streaming;
    private FakeVncServer echoing;
    private boolean withWebsockify;
    private final List<String> table = new ArrayList<>();

    @BeforeAll
    void displays() throws Exception {
        api = new Api(mvc);
        streaming = new FakeVncServer(FakeVncServer.Mode.STREAM);
        echoing = new FakeVncServer(FakeVncServer.Mode.ECHO);
        report("machine: %d cores, Java %s, max heap %d MiB, load average %s (others' work makes figures noisy)",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() / MIB, loadAverage());
        withWebsockify = Websockify.available();
        if (withWebsockify) {
            report("websockify %s: measured beside Virtdeck's proxy, its output in %s", Websockify.version(),
                    WEBSOCKIFY_LOG.toAbsolutePath());
        } else {
            report("websockify: not on the PATH, so not measured (scripts/install-deps.sh bench installs it)");
        }
    }

    @AfterAll
    void printTheTable() throws Exception {
        streaming.close();
        echoing.close();
        report("load average at the end: %s", loadAverage());
        System.out.println("[bench] | measure | target | measured | |");
        System.out.println("[bench] |---|---|---|---|");
        table.forEach(row -> System.out.println("[bench] " + row));
    }

    @Test
    @Order(1)
    void throughput() throws Exception {
        long guest = guestShowing(streaming, "bench-stream");
        List<Contender> lean = new ArrayList<>();
        try (VncClient direct = VncClient.direct(streaming.port());
             VncClient proxied = VncClient.throughProxy(port, api.consolePath(guest));
             Websockify websockify = websockifyInFrontOf(streaming);
             VncClient viaWebsockify = websockify == null ? null : VncClient.throughProxy(websockify.port(), "/")) {
            lean.add(new Contender("direct TCP", direct::drain, IN_VIRTDECK));
            lean.add(new Contender("via Virtdeck's proxy, lean client", proxied::drain, IN_VIRTDECK));
            if (websockify != null) {
                lean.add(new Contender("via websockify, lean client", viaWebsockify::drain, IN_WEBSOCKIFY));
            }
            race(websockify, lean.toArray(Contender[]::new));
        }
        // on its own: java.net.http's client reads all the time, it would take the machine from the others' turns;
        // its threads are not this one, so the proxy's share of the JVM's time cannot be told
        Contender library;
        try (ConsoleClient client = ConsoleClient.openCounting(port, api.consolePath(guest))) {
            library = new Contender("via Virtdeck's proxy, java.net.http client",
                    bytes -> client.awaitTotal(client.total() + bytes, PATIENCE), null);
            race(null, library);
        }
        reportThroughput(lean, library);
    }

    private void reportThroughput(List<Contender> lean, Contender library) {
        for (Contender contender : concat(lean, library)) {
            report("throughput %-42s median %4.0f MiB/s (runs %s); CPU per GiB %.2f s all processes%s;"
                    + " %.0f context switches per MiB (runs %s)", contender.name, median(contender.mibPerSecond),
                    runs(contender.mibPerSecond), median(contender.cpuPerGib), contender.share == null ? ""
                            : String.format(", %.2f s %s", median(contender.shareCpuPerGib), contender.share.what),
                    median(contender.switchesPerMib), runs(contender.switchesPerMib));
        }
        Contender direct = lean.get(0);
        Contender virtdeck = lean.get(1);
        double[] ofDirect = ratios(virtdeck, direct);
        report("throughput Virtdeck's proxy / direct, lean client: median %.0f %% (runs %s)", median(ofDirect),
                runs(ofDirect));
        row("throughput, Virtdeck's proxy / direct TCP (median of " + RUNS + " paired runs of " + MEASURED_BYTES / MIB
                + " MiB)", "- (90 % retired)", String.format("%.0f %% (%.0f / %.0f MiB/s; runs %s %%)",
                median(ofDirect), median(virtdeck.mibPerSecond), median(direct.mibPerSecond), runs(ofDirect)), null);
        row("CPU per GiB moved, all processes: direct / Virtdeck's proxy / Virtdeck's proxy with java.net.http", "-",
                String.format("%.2f / %.2f / %.2f s", median(direct.cpuPerGib), median(virtdeck.cpuPerGib),
                        median(library.cpuPerGib)), null);
        if (lean.size() < 3) {
            return;
        }
        Contender websockify = lean.get(2);
        double[] ofWebsockify = ratios(virtdeck, websockify);
        report("throughput Virtdeck's proxy / websockify, lean client: median %.0f %% (runs %s)",
                median(ofWebsockify), runs(ofWebsockify));
        row("throughput, Virtdeck's proxy / websockify (median of " + RUNS + " paired runs)", ">= 100 %",
                String.format("%.1f %% (%.0f / %.0f MiB/s; runs %s %%)", median(ofWebsockify),
                        median(virtdeck.mibPerSecond), median(websockify.mibPerSecond), runs(ofWebsockify)),
                median(ofWebsockify) >= 100);
        double virtdeckCpu = median(virtdeck.shareCpuPerGib);
        double websockifyCpu = median(websockify.shareCpuPerGib);
        row("CPU per GiB moved, the proxy's share: Virtdeck (its whole JVM beside display and client) / websockify"
                + " (its processes)", "Virtdeck <=", String.format("%.2f / %.2f s (runs %s / %s)", virtdeckCpu,
                websockifyCpu, runs(virtdeck.shareCpuPerGib, "%.2f"), runs(websockify.shareCpuPerGib, "%.2f")),
                virtdeckCpu <= websockifyCpu);
        row("CPU per GiB moved, all processes (display, proxy, client): via Virtdeck / via websockify", "-",
                String.format("%.2f / %.2f s", median(virtdeck.cpuPerGib), median(websockify.cpuPerGib)), null);
        row("context switches per MiB moved, all processes: direct / via Virtdeck / via websockify", "-",
                String.format("%.0f / %.0f / %.0f", median(direct.switchesPerMib), median(virtdeck.switchesPerMib),
                        median(websockify.switchesPerMib)), null);
    }

    @Test
    @Order(2)
    void latency() throws Exception {
        long guest = guestShowing(echoing, "bench-echo");
        try (VncClient direct = VncClient.direct(echoing.port());
             VncClient proxied = VncClient.throughProxy(port, api.consolePath(guest));
             ConsoleClient library = ConsoleClient.openCounting(port, api.consolePath(guest));
             Websockify websockify = websockifyInFrontOf(echoing);
             VncClient viaWebsockify = websockify == null ? null : VncClient.throughProxy(websockify.port(), "/")) {
            List<Echo> echoes = new ArrayList<>(List.<Echo>of(direct::roundTrip, proxied::roundTrip, message -> {
                long expected = library.total() + message.length;
                library.send(message);
                library.awaitTotal(expected, PATIENCE);
            }));
            if (viaWebsockify != null) {
                echoes.add(viaWebsockify::roundTrip);
            }
            long[][] nanos = roundTripNanos(echoes.toArray(Echo[]::new));
            for (double p : new double[] {0.50, 0.99}) {
                String name = "p" + Math.round(p * 100);
                long viaDirect = percentile(nanos[0], p);
                long viaProxy = percentile(nanos[1], p);
                report("round trip %s: direct %d us, via Virtdeck's proxy %d us (added %d us), via Virtdeck's proxy"
                        + " with java.net.http %d us", name, micros(viaDirect), micros(viaProxy),
                        micros(viaProxy - viaDirect), micros(percentile(nanos[2], p)));
                addedLatencyRow("Virtdeck's proxy", name, p, viaProxy, viaDirect);
                if (viaWebsockify != null) {
                    long viaPeer = percentile(nanos[3], p);
                    report("round trip %s: via websockify %d us (added %d us)", name, micros(viaPeer),
                            micros(viaPeer - viaDirect));
                    addedLatencyRow("websockify", name, p, viaPeer, viaDirect);
                }
            }
            report("round trip max: direct %d us, via Virtdeck's proxy %d us, via Virtdeck's proxy with java.net.http"
                    + " %d us%s", micros(nanos[0][ROUND_TRIPS - 1]), micros(nanos[1][ROUND_TRIPS - 1]),
                    micros(nanos[2][ROUND_TRIPS - 1]), viaWebsockify == null ? ""
                            : ", via websockify " + micros(nanos[3][ROUND_TRIPS - 1]) + " us");
        }
    }

    private void addedLatencyRow(String proxy, String name, double p, long viaProxy, long viaDirect) {
        long target = p < 0.9 ? 1_000_000 : 5_000_000;
        row("added latency " + name + ", " + proxy + " (" + ROUND_TRIPS + " round trips of " + MESSAGE.length
                + " bytes)", "< " + target / 1_000_000 + " ms", String.format("%.3f ms (%.3f via proxy - %.3f direct)",
                (viaProxy - viaDirect) / 1e6, viaProxy / 1e6, viaDirect / 1e6), viaProxy - viaDirect < target);
    }

    @Test
    @Order(3)
    void twoHundredConsolesAtOnce() throws Exception {
        LoadRun<JvmFootprint> run = load(port, new LoadedProxy<>() {
            @Override
            public List<String> paths(int displayPort) throws Exception {
                long guest = guestShowing(displayPort, "bench-load");
                List<String> paths = new ArrayList<>();
                for (int i = 0; i < SESSIONS; i++) {
                    paths.add(api.consolePath(guest));
                }
                return paths;
            }

            @Override
            public JvmFootprint footprint() throws InterruptedException {
                return JvmFootprint.measure();
            }

            @Override
            public long cpuNanos() {
                return processCpuNanos();
            }

            @Override
            public int held() {
                return openConsoles();
            }
        });
        reportLoad("Virtdeck's proxy", "Virtdeck's whole server JVM", run);
        assertThat(run.failed()).as("consoles that did not open").isZero();
        assertThat(run.held()).as("consoles the server held at once").isEqualTo(SESSIONS);
        assertStreamed(run);
        JvmFootprint before = run.before();
        JvmFootprint during = run.during();
        long heap = during.heapUsed() - before.heapUsed();
        long rss = during.rss() - before.rss();
        int threads = during.threads() - before.threads();
        String stack = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .getVMOption("ThreadStackSize").getValue();
        report("server heap after GC: %d -> %d MiB = %d KiB per console", before.heapUsed() / MIB,
                during.heapUsed() / MIB, heap / 1024 / SESSIONS);
        report("server threads: %d -> %d = %.2f per console (stack reserve %s KiB each, committed as touched)",
                before.threads(), during.threads(), threads / (double) SESSIONS, stack);
        report("server RSS: %d -> %d MiB = %d KiB per console", before.rss() / MIB, during.rss() / MIB,
                rss / 1024 / SESSIONS);
        row("memory per console (Virtdeck's server JVM, " + SESSIONS + " open)", "stated", String.format(
                "%d KiB heap, %d KiB RSS, %.2f threads", heap / 1024 / SESSIONS, rss / 1024 / SESSIONS,
                threads / (double) SESSIONS), null);
    }

    @Test
    @Order(4)
    void twoHundredConsolesAtOnceThroughWebsockify() throws Exception {
        assumeTrue(withWebsockify, "websockify is not on the PATH");
        try (WebsockifyUnderLoad websockify = new WebsockifyUnderLoad(Websockify.freePort())) {
            LoadRun<Websockify.Footprint> run = load(websockify.port, websockify);
            // websockify's consoles that did not open are its figures, not errors of this benchmark: their opening
            // handshake went unanswered for a minute (it accepts and starts a process for one connection at a time)
            reportLoad("websockify", "websockify's processes", run);
            assertThat(run.failed()).as("consoles that did not open through websockify").isLessThan(SESSIONS);
            Websockify.Footprint stopped = websockify.websockify.stoppedAt();
            if (stopped != null) {
                report("websockify was stopped: its %d processes held %d MiB, over the budget of %d MiB",
                        stopped.processes(), stopped.proportionalBytes() / MIB, Websockify.MEMORY_BUDGET / MIB);
                row("websockify stopped for its memory", "-", stopped.proportionalBytes() / MIB + " MiB in "
                        + stopped.processes() + " processes", false);
                return;
            }
            assertStreamed(run);
            Websockify.Footprint before = run.before();
            Websockify.Footprint during = run.during();
            long pss = during.proportionalBytes() - before.proportionalBytes();
            report("websockify processes: %d -> %d; their memory (PSS): %d -> %d MiB = %d KiB per console",
                    before.processes(), during.processes(), before.proportionalBytes() / MIB,
                    during.proportionalBytes() / MIB, pss / 1024 / SESSIONS);
            row("memory per console (websockify, " + SESSIONS + " open)", "stated", String.format(
                    "%d KiB PSS, %.2f processes", pss / 1024 / SESSIONS,
                    (during.processes() - before.processes()) / (double) SESSIONS), null);
        }
    }

    /** websockify in front of the load's display, started once that display listens. */
    private static final class WebsockifyUnderLoad implements LoadedProxy<Websockify.Footprint>, AutoCloseable {

        private final int port;
        private Websockify websockify;

        WebsockifyUnderLoad(int port) {
            this.port = port;
        }

        @Override
        public List<String> paths(int displayPort) throws Exception {
            websockify = Websockify.start(port, displayPort, WEBSOCKIFY_LOG);
            return Collections.nCopies(SESSIONS, "/");
        }

        @Override
        public Websockify.Footprint footprint() {
            return websockify.footprint();
        }

        @Override
        public long cpuNanos() {
            return websockify.cpuNanos();
        }

        @Override
        public int held() {
            // a process per connection beside the listener; none at all once websockify has ended
            return Math.max(0, websockify.processes() - 1);
        }

        @Override
        public void close() throws InterruptedException {
            if (websockify != null) {
                websockify.close();
            }
        }
    }

    /**
     * Opens {@link #SESSIONS} consoles at once through the proxy at {@code proxyPort}, from a JVM of their own
     * ({@link ConsoleLoad}, which also holds the display) so that the proxy's figures hold only the proxy's share;
     * lets them stream {@link #STREAM_SECONDS} s, closes them, and waits for the proxy to let go of them all.
     */
    private <F> LoadRun<F> load(int proxyPort, LoadedProxy<F> proxy) throws Exception {
        Process load = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-Xmx512m", "-cp",
                System.getProperty("java.class.path"), ConsoleLoad.class.getName(), Integer.toString(proxyPort),
                Integer.toString(SESSIONS), Integer.toString(STREAM_SECONDS))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        // a stuck load must not hang the build: killing it ends the reads below
        CompletableFuture.delayedExecutor(5, TimeUnit.MINUTES).execute(load::destroyForcibly);
        try (BufferedReader from = new BufferedReader(new InputStreamReader(load.getInputStream(),
                StandardCharsets.UTF_8)); Writer to = load.outputWriter(StandardCharsets.UTF_8)) {
            List<String> paths = proxy.paths(Integer.parseInt(expect(from, "display")[1]));
            F before = proxy.footprint();
            to.write(String.join("\n", paths) + "\n");
            to.flush();
            String[] opened = expect(from, "opened");
            long cpu = proxy.cpuNanos();
            int held = proxy.held();
            String[] streamed = expect(from, "streamed");
            cpu = proxy.cpuNanos() - cpu;
            F during = proxy.footprint();
            to.write("close\n");
            to.flush();
            assertThat(load.waitFor(1, TimeUnit.MINUTES)).as("the load ended").isTrue();
            int left = await().atMost(Duration.ofSeconds(30)).until(proxy::held, count -> count == 0);
            return new LoadRun<>(opened, streamed, held, left, cpu, before, during);
        } finally {
            load.destroyForcibly();
        }
    }

    /** Reports what every many-consoles run measures. */
    private void reportLoad(String proxy, String cpuOf, LoadRun<?> run) {
        int failed = run.failed();
        report("sessions via %s: %s opened (%d held by the proxy) in %.1f s, the slowest after %.1f s; %d failed%s;"
                + " %d closed early; %d MiB streamed in %d s while all were open, fewest bytes for one console %d;"
                + " %d left open after closing", proxy, run.opened()[1], run.held(), run.allOpenSeconds(),
                run.slowestSeconds(), failed, failed > 0 ? " (" + run.firstFailure() + ")" : "", run.closedEarly(),
                run.streamedBytes() / MIB, STREAM_SECONDS, run.fewest(), run.left());
        double seconds = run.cpuNanos() / 1e9;
        double perGib = seconds / (run.streamedBytes() / GIB);
        report("CPU of %s while all streamed: %.1f s in %d s (%.0f %% of one core), %.2f s per GiB moved", cpuOf,
                seconds, STREAM_SECONDS, 100 * seconds / STREAM_SECONDS, perGib);
        row(SESSIONS + " consoles of one guest opened at once via " + proxy + ", streaming " + STREAM_SECONDS + " s",
                "no errors", String.format("%d failed, %d closed early (all open after %.1f s); %d MiB/s in all",
                        failed, run.closedEarly(), run.allOpenSeconds(), run.streamedBytes() / MIB / STREAM_SECONDS),
                failed == 0 && run.closedEarly() == 0 && run.held() == SESSIONS);
        row("CPU while they stream, " + cpuOf, "stated", String.format("%.0f %% of one core, %.2f s per GiB",
                100 * seconds / STREAM_SECONDS, perGib), null);
    }

    /** Fails unless every console that opened streamed until the end. */
    private static void assertStreamed(LoadRun<?> run) {
        assertThat(run.closedEarly()).as("consoles closed while streaming").isZero();
        assertThat(run.fewest()).as("every open console got bytes").isPositive();
    }

    /**
     * Warm-up, then {@link #RUNS} rounds in which each contender reads {@link #MEASURED_BYTES} in turn: taking turns,
     * all see the same machine, busy or not (another engineer's build shares these two cores).
     */
    private static void race(Websockify websockify, Contender... contenders) throws Exception {
        for (Contender contender : contenders) {
            contender.reader.read(WARM_UP_BYTES);
        }
        double gib = MEASURED_BYTES / GIB;
        for (int run = 0; run < RUNS; run++) {
            for (Contender contender : contenders) {
                Cpu before = Cpu.now(websockify);
                long start = System.nanoTime();
                contender.reader.read(MEASURED_BYTES);
                contender.mibPerSecond[run] = MEASURED_BYTES / (double) MIB / ((System.nanoTime() - start) / 1e9);
                Cpu spent = Cpu.now(websockify).since(before);
                contender.cpuPerGib[run] = spent.all() / 1e9 / gib;
                contender.switchesPerMib[run] = spent.switches() / (double) (MEASURED_BYTES / MIB);
                if (contender.share != null) {
                    contender.shareCpuPerGib[run] = contender.share.of.applyAsLong(spent) / 1e9 / gib;
                }
            }
        }
    }

    /** websockify in front of {@code display}, or null where it is not installed. */
    private static Websockify websockifyInFrontOf(FakeVncServer display) throws Exception {
        return Websockify.available() ? Websockify.start(Websockify.freePort(), display.port(), WEBSOCKIFY_LOG)
                : null;
    }

    /** All this JVM's threads: Virtdeck, the displays and the clients alike. */
    private static long processCpuNanos() {
        return ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                .getProcessCpuTime();
    }

    /** Warm-up, then {@link #ROUND_TRIPS} timed round trips each, in blocks taking turns; sorted, one row each. */
    private static long[][] roundTripNanos(Echo... echoes) throws Exception {
        for (Echo echo : echoes) {
            for (int i = 0; i < WARM_UP_ROUND_TRIPS; i++) {
                echo.roundTrip(MESSAGE);
            }
        }
        long[][] nanos = new long[echoes.length][ROUND_TRIPS];
        for (int block = 0; block < ROUND_TRIPS; block += ROUND_TRIP_BLOCK) {
            for (int e = 0; e < echoes.length; e++) {
                for (int i = block; i < block + ROUND_TRIP_BLOCK; i++) {
                    long start = System.nanoTime();
                    echoes[e].roundTrip(MESSAGE);
                    nanos[e][i] = System.nanoTime() - start;
                }
            }
        }
        for (long[] row : nanos) {
            Arrays.sort(row);
        }
        return nanos;
    }

    /** Registers a test-driver host whose running guest shows {@code display}; returns the guest's id. */
    private long guestShowing(FakeVncServer display, String hostName) throws Exception {
        return guestShowing(display.port(), hostName);
    }

    private long guestShowing(int displayPort, String hostName) throws Exception {
        return api.guestId(api.registerHost(hostName, TestHosts.consoleHost(displayPort)), "console-vm");
    }

    private int openConsoles() {
        List<?> open = JsonPath.read(api.getJson("/api/v1/console/sessions"), "$[?(@.hostName == 'bench-load')]");
        return open.size();
    }

    /** The next line from the load that starts with {@code word}, split at spaces; others are passed on. */
    private static String[] expect(BufferedReader from, String word) throws Exception {
        for (String line = from.readLine(); line != null; line = from.readLine()) {
            if (line.startsWith(word + " ")) {
                return line.split(" ");
            }
            System.out.println("[load] " + line);
        }
        throw new AssertionError("the load ended before saying '" + word + "'");
    }

    /** Run by run, the first contender's throughput in percent of the second's. */
    private static double[] ratios(Contender first, Contender second) {
        double[] ratios = new double[RUNS];
        for (int run = 0; run < RUNS; run++) {
            ratios[run] = 100 * first.mibPerSecond[run] / second.mibPerSecond[run];
        }
        return ratios;
    }

    private static List<Contender> concat(List<Contender> contenders, Contender last) {
        List<Contender> all = new ArrayList<>(contenders);
        all.add(last);
        return all;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String runs(double[] values) {
        return runs(values, "%.0f");
    }

    private static String runs(double[] values, String format) {
        return String.join(", ", Arrays.stream(values).mapToObj(v -> String.format(format, v)).toList());
    }

    /** The nearest-rank percentile of sorted values. */
    private static long percentile(long[] sorted, double p) {
        return sorted[(int) Math.ceil(p * sorted.length) - 1];
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long micros(long nanos) {
        return nanos / 1000;
    }

    private static void report(String format, Object... args) {
        System.out.println("[bench] " + String.format(format, args));
    }

    /** A row of the table; {@code met} is null for a figure with no target. */
    private void row(String measure, String target, String measured, Boolean met) {
        table.add("| " + measure + " | " + target + " | " + measured + " | "
                + (met == null ? "" : met ? "met" : "MISSED") + " |");
    }
}

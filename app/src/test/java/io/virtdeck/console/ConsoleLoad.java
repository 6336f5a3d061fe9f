package io.virtdeck.console;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import io.virtdeck.support.ConsoleClient;
import io.virtdeck.support.FakeVncServer;

/**
 * The far side of {@link ConsoleProxyBenchmark}'s many-sessions run, in a JVM of its own so that the server's heap,
 * threads and resident memory hold only the proxy's share: the guest's display (a streaming {@link FakeVncServer})
 * and the browsers (one {@link ConsoleClient} each). It speaks to the benchmark a line at a time:
 * <pre>
 *   out: display PORT                      the display listens; the benchmark registers it and issues tickets
 *   in:  one ticket path per session       all consoles are opened at once when the last one has come
 *   out: opened OK FAILED MS SLOWEST_MS BYTES [first failure]
 *                                          every open has succeeded or failed, after MS in all; the slowest took
 *                                          SLOWEST_MS from its start to the display's ServerInit; BYTES received
 *                                          so far by all
 *   out: streamed BYTES FEWEST_BYTES CLOSED
 *                                          after streaming SECONDS: all bytes, the least any console got, closes
 *   in:  close                             the benchmark has measured; the consoles close and this JVM ends
 * </pre>
 * Arguments: the proxy's port (Virtdeck's, or websockify's), the number of sessions, the seconds to stream.
 */
public final class ConsoleLoad {

    private ConsoleLoad() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int sessions = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (FakeVncServer display = new FakeVncServer(FakeVncServer.Mode.STREAM)) {
            System.out.println("display " + display.port());
            List<String> paths = new ArrayList<>();
            while (paths.size() < sessions) {
                paths.add(in.readLine());
            }
            ConcurrentLinkedQueue<ConsoleClient> consoles = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicLong slowest = new AtomicLong();
            long start = System.nanoTime();
            openAllAtOnce(port, paths, consoles, failures, slowest);
            System.out.println("opened " + consoles.size() + " " + failures.size() + " "
                    + (System.nanoTime() - start) / 1_000_000 + " " + slowest.get() / 1_000_000 + " " + total(consoles)
                    + (failures.isEmpty() ? "" : " " + failures.peek()));

            Thread.sleep(seconds * 1000L);
            long fewest = consoles.stream().mapToLong(ConsoleClient::total).min().orElse(0);
            long closed = consoles.stream().filter(ConsoleClient::isClosed).count();
            System.out.println("streamed " + total(consoles) + " " + fewest + " " + closed);

            in.readLine(); // "close"
            consoles.forEach(ConsoleClient::close);
        }
        System.exit(0); // the WebSocket client's threads would keep the JVM a while
    }

    private static long total(ConcurrentLinkedQueue<ConsoleClient> consoles) {
        return consoles.stream().mapToLong(ConsoleClient::total).sum();
    }

    private static void openAllAtOnce(int port, List<String> paths, ConcurrentLinkedQueue<ConsoleClient> consoles,
                                      ConcurrentLinkedQueue<String> failures, AtomicLong slowest)
            throws InterruptedException {
        ExecutorService openers = Executors.newFixedThreadPool(paths.size());
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(paths.size());
        for (String path : paths) {
            openers.execute(() -> {
                try {
                    start.await();
                    long began = System.nanoTime();
                    consoles.add(ConsoleClient.openCounting(port, path));
                    slowest.accumulateAndGet(System.nanoTime() - began, Math::max);
                } catch (Exception | AssertionError e) {
                    failures.add(e.toString().replace('\n', ' '));
                } finally {
                    done.countDown();
                }
            });
        }
        start.countDown();
        done.await();
        openers.shutdown();
    }
}

package io.virtdeck.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The project's lab (scripts/lab.sh): two real libvirtd + QEMU hosts on this machine, lab1 and lab2, with the tiny
 * bootable guest tiny1 on lab1. Brought up once per test run by the first class that needs it and taken down when
 * the run ends. Where the lab cannot start (not root, no unshare) the tests fail with the script's reason: they are
 * never skipped.
 */
public final class Lab implements BeforeAllCallback {

    public static final String LAB1 = "qemu+tcp://127.0.0.1:16601/system";
    public static final String LAB2 = "qemu+tcp://127.0.0.1:16602/system";
    private static volatile long upStartedAt;

    /** When this run's {@code lab.sh up} began (System.nanoTime), for measuring the lab's whole cycle. */
    public static long upStartedAt() {
        return upStartedAt;
    }

    public static final Path DIR = Path.of(System.getenv().getOrDefault("VIRTDECK_LAB_DIR", "/var/tmp/virtdeck-lab"));

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Lab.class, key -> new Running(), Running.class);
    }

    /** Runs {@code scripts/lab.sh ARGS}, returning its output; fails the test with that output when it fails. */
    public static String script(String... args) {
        Path script = repoRoot().resolve("scripts/lab.sh");
        List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("scripts/lab.sh " + String.join(" ", args) + " took over 5 minutes");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new AssertionError("scripts/lab.sh " + String.join(" ", args) + " failed (exit "
                        + process.exitValue() + "):\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError("cannot run scripts/lab.sh: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running scripts/lab.sh", e);
        }
    }

    /** Runs a virsh command against a lab host, for checks Virtdeck does not offer yet (e.g. DHCP leases). */
    public static String virsh(String uri, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("virsh", "-q", "-c", uri));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("virsh " + String.join(" ", args) + " took over 30 s");
            }
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot run virsh: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running virsh", e);
        }
    }

    /** The live processes among the lab's daemons (libvirtd and virtlogd of lab1 and lab2), by their pid files. */
    public static java.util.Set<Long> daemons() {
        java.util.Set<Long> alive = new java.util.TreeSet<>();
        for (String host : List.of("lab1", "lab2")) {
            for (String daemon : List.of("libvirtd", "virtlogd")) {
                Path pidFile = DIR.resolve(host).resolve(daemon + ".pid");
                try {
                    long pid = Long.parseLong(Files.readString(pidFile).trim());
                    ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                            .filter(p -> p.info().command().map(c -> c.endsWith("/" + daemon)).orElse(false))
                            .ifPresent(p -> alive.add(pid));
                } catch (IOException | NumberFormatException e) {
                    // no pid file: that daemon is not running
                }
            }
        }
        return alive;
    }

    /** Counts the running processes with this exact name (libvirtd, virtlogd), whoever started them. */
    public static long processes(String name) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> Paths.get(c).getFileName().toString().equals(name))
                        .orElse(false))
                .count();
    }

    public static Path repoRoot() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/lab.sh"))) {
                return p;
            }
        }
        throw new AssertionError("scripts/lab.sh not found above " + Paths.get("").toAbsolutePath());
    }

    /** The lab while this test run uses it: up now, down when JUnit closes the root store at the end of the run. */
    static final class Running implements AutoCloseable {

        Running() {
            upStartedAt = System.nanoTime();
            script("up");
        }

        @Override
        public void close() {
            script("down");
        }
    }
}

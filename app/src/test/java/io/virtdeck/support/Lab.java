package io.virtdeck.support;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The project's lab (scripts/lab.sh): two real libvirtd + QEMU hosts on this machine, lab1 and lab2, with the tiny
 * bootable guest tiny1 on lab1. Brought up by the first class that needs it (and again for a later class when an
 * earlier one took it down) and taken down when the run ends. Where the lab cannot start (not root, no unshare) the
 * tests fail with the script's reason: they are never skipped.
 */
public final class Lab implements BeforeAllCallback {

    public static final String LAB1 = "qemu+tcp://127.0.0.1:16601/system";
    public static final String LAB2 = "qemu+tcp://127.0.0.1:16602/system";
    private static volatile Duration upTook = Duration.ZERO;

    /**
     * How long this run's first {@code lab.sh up} took, for measuring the lab's whole cycle (up, boot, shutdown,
     * down) without the time other lab classes spend in between.
     */
    public static Duration upTook() {
        return upTook;
    }

    /**
     * This run's lab: VIRTDECK_LAB_DIR, which the build sets to a directory under its output (app/target/lab) unless
     * it is set already, so that a fresh clone starts from a fresh lab; app/target/lab when run outside Maven.
     */
    public static final Path DIR = Optional.ofNullable(System.getenv("VIRTDECK_LAB_DIR")).map(Path::of)
            .orElseGet(() -> repoRoot().resolve("app/target/lab"));

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Lab.class, key -> new Running(), Running.class);
        if (daemons().size() < 2 * DAEMONS.size()) {
            script("up"); // an earlier class took it down (LabTinyGuestTest tests `down` itself)
        }
    }

    /**
     * The Debian guest {@code debian12} on lab1 (scripts/lab.sh debian): built the first time it is asked for (minutes:
     * debootstrap, then cached in the lab directory's debian/), defined shut off, as the lab left it otherwise.
     */
    public static void debian() {
        script(Duration.ofMinutes(15), "debian");
    }

    /** Runs {@code scripts/lab.sh ARGS}, returning its output; fails the test with that output when it fails. */
    public static String script(String... args) {
        return script(Duration.ofMinutes(5), args);
    }

    private static String script(Duration limit, String... args) {
        Path script = repoRoot().resolve("scripts/lab.sh");
        List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("VIRTDECK_LAB_DIR", DIR.toString());
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("scripts/lab.sh " + String.join(" ", args) + " took over "
                        + limit.toMinutes() + " minutes");
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

    /**
     * Defines a shut-off guest with no OS (firmware only, 64 MiB) and one disk, a volume of a pool, through virsh; fails
     * the test with virsh's words when the host does not list it afterwards.
     */
    public static void defineDiskOnlyGuest(String uri, String name, String pool, String volume) {
        try {
            Path xml = Files.createTempFile(name, ".xml");
            try {
                Files.writeString(xml, """
                        <domain type='qemu'>
                          <name>%s</name>
                          <memory unit='MiB'>64</memory>
                          <vcpu>1</vcpu>
                          <os><type arch='x86_64' machine='q35'>hvm</type></os>
                          <devices>
                            <disk type='volume' device='disk'>
                              <driver name='qemu' type='qcow2'/>
                              <source pool='%s' volume='%s'/>
                              <target dev='vda' bus='virtio'/>
                            </disk>
                          </devices>
                        </domain>
                        """.formatted(name, pool, volume));
                String said = virsh(uri, "define", xml.toString());
                if (!virsh(uri, "list", "--all", "--name").lines().anyMatch(name::equals)) {
                    throw new AssertionError(name + " is not defined on " + uri + ": " + said);
                }
            } finally {
                Files.delete(xml);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot write the definition of " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Proves the guest runs: types a sum into its serial console (the pty libvirt gave it on {@code uri}) and reads
     * the shell's answer back from that pty. The answer differs from what was typed, so an echo of the typing does not
     * count. Returns how long the answer took.
     */
    public static Duration consoleAnswers(String uri, String domain) {
        return consoleRuns(uri, domain, "true");
    }

    /**
     * Runs a shell command on the guest's serial console and waits for the shell to answer after it (see
     * {@link #consoleAnswers}). The typing is repeated until an answer comes, so the command must bear running twice.
     */
    public static Duration consoleRuns(String uri, String domain, String command) {
        return console(uri, domain, command).took();
    }

    /**
     * Runs a shell command on the guest's serial console as {@link #consoleRuns} does and returns what the console
     * showed meanwhile: the shell echoes what is typed, so test for output the typing itself does not contain
     * (e.g. {@code echo $((40+2))-found} answers "42-found").
     */
    public static String consoleSays(String uri, String domain, String command) {
        return console(uri, domain, command).seen();
    }

    private record ConsoleAnswer(Duration took, String seen) {
    }

    /**
     * Reads the guest's serial console (without typing) until it shows {@code expected}, e.g. firmware messages of a
     * guest that has no shell; returns what it showed. Fails after {@code limit}.
     */
    public static String serialShows(String uri, String domain, String expected, Duration limit) {
        return watchSerial(uri, domain, null, expected, limit).seen();
    }

    private static ConsoleAnswer console(String uri, String domain, String command) {
        int a = 1000 + (int) (Math.random() * 8000);
        // a TCG guest just carried over by a throttled or post-copy migration, busy rewriting its memory, has been seen
        // silent for over 20 s on this machine (no /dev/kvm): a live guest answers as soon as it can, a dead one fails
        return watchSerial(uri, domain, command + "\recho $((" + a + "+1))-alive\r", (a + 1) + "-alive",
                Duration.ofSeconds(60));
    }

    /**
     * Reads the guest's serial pty until {@code expected} shows, typing {@code typing} (when not null) after 1.5 s and
     * again every 3 s: QEMU keeps its pty raw (no echo) and notices an opened pty only on its next 1 s poll, so typing
     * before it listens is lost.
     */
    private static ConsoleAnswer watchSerial(String uri, String domain, String typing, String expected,
                                             Duration limit) {
        String pty = serialPty(uri, domain);
        long started = System.nanoTime();
        StringBuilder seen = new StringBuilder();
        try (FileInputStream in = new FileInputStream(pty);
             FileOutputStream out = new FileOutputStream(pty)) {
            long deadline = started + limit.toNanos();
            long nextTyping = started + Duration.ofMillis(1500).toNanos();
            long nudgeAt = started + Duration.ofSeconds(20).toNanos();
            while (!seen.toString().contains(expected)) {
                if (typing != null && seen.isEmpty() && nudgeAt != 0 && System.nanoTime() > nudgeAt) {
                    nudgeAt = 0;
                    nudge(uri, domain);
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(domain + " on " + uri + " did not show '" + expected
                            + "' on its serial console within " + limit + "; it showed: " + seen + "\n"
                            + whySilent(uri, domain));
                }
                if (typing != null && System.nanoTime() > nextTyping) {
                    out.write(typing.getBytes(StandardCharsets.US_ASCII));
                    nextTyping = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                }
                int available = in.available();
                if (available > 0) {
                    byte[] chunk = new byte[available];
                    int read = in.read(chunk);
                    seen.append(new String(chunk, 0, Math.max(read, 0), StandardCharsets.ISO_8859_1));
                } else {
                    Thread.sleep(50);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot use the console of " + domain + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return new ConsoleAnswer(Duration.ofNanos(System.nanoTime() - started), seen.toString());
    }

    /**
     * What QEMU says of a guest whose console stays silent, for the failure's message: whether its vCPU still runs
     * (CPU time over 2 s), and the serial port's interrupt (IRQ 4) as the interrupt controllers see it: tells a hung
     * guest from a busy one, or from a serial port whose interrupt was lost.
     */
    private static String whySilent(String uri, String domain) {
        String cpuBefore = vcpuTime(uri, domain);
        try {
            Thread.sleep(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String cpuAfter = vcpuTime(uri, domain);
        return "state: " + virsh(uri, "domstate", domain, "--reason").trim()
                + "; vCPU time " + cpuBefore + " ns, 2 s later " + cpuAfter + " ns"
                + "\ninfo status: " + virsh(uri, "qemu-monitor-command", domain, "--hmp", "info status").trim()
                + "\ninfo irq: " + virsh(uri, "qemu-monitor-command", domain, "--hmp", "info irq").trim()
                + "\ninfo pic: " + virsh(uri, "qemu-monitor-command", domain, "--hmp", "info pic").lines()
                .filter(line -> line.contains("pin 4 ") || line.contains("IRR") || line.startsWith("pic"))
                .reduce("", (a, b) -> a + b.trim() + " | ")
                + "\ninfo registers: " + virsh(uri, "qemu-monitor-command", domain, "--hmp", "info registers")
                .lines().limit(3).reduce("", (a, b) -> a + b + " | ");
    }

    /**
     * Makes a guest that has answered nothing for 20 s write to its serial console from its kernel: an NMI, which the
     * kernel reports on the console. A TCG guest just migrated was seen running (its vCPU busy) with its serial
     * port's interrupt raised once since the move and never again while keys were typed: the edge-triggered
     * interrupt was lost in the migration and the port stayed deaf and mute. The kernel's console write clears and
     * restores the port's interrupt enable, which raises the interrupt anew.
     */
    private static void nudge(String uri, String domain) {
        System.out.printf("[lab] %s on %s silent on its serial console for 20 s: an NMI to make its kernel write%n",
                domain, uri);
        virsh(uri, "inject-nmi", domain);
    }

    private static String vcpuTime(String uri, String domain) {
        return virsh(uri, "domstats", domain, "--vcpu").replaceAll("(?s).*vcpu\\.0\\.time=(\\d+).*", "$1").trim();
    }

    /** The pty libvirt gave the guest's first serial port. */
    private static String serialPty(String uri, String domain) {
        String xml = virsh(uri, "dumpxml", domain);
        Matcher pty = Pattern.compile("<source path='(/dev/pts/\\d+)'/>").matcher(xml);
        if (!pty.find()) {
            throw new AssertionError(domain + " on " + uri + " has no serial pty:\n" + xml);
        }
        return pty.group(1);
    }

    /**
     * Brings tiny1 home to lab1 when an interrupted run left it on lab2 (live if it runs there), and powers it off when
     * it runs but no longer answers on its console (a guest kernel that died in an earlier class), so that the next
     * class boots it afresh instead of failing on the earlier one's wreck.
     */
    public static void tiny1BackOnLab1() {
        // a migration a failed test left behind would otherwise go on copying, with tiny1 listed on both hosts
        virsh(LAB1, "domjobabort", "tiny1");
        if (virsh(LAB2, "list", "--all", "--name").contains("tiny1")) {
            boolean running = virsh(LAB2, "domstate", "tiny1").trim().equals("running");
            virsh(LAB2, "migrate", "tiny1", LAB1, running ? "--live" : "--offline", "--p2p", "--persistent",
                    "--undefinesource", "--unsafe");
        }
        if (virsh(LAB1, "domstate", "tiny1").trim().equals("running")) {
            try {
                watchSerial(LAB1, "tiny1", "true\recho $((4000+2))-alive\r", "4002-alive", Duration.ofSeconds(12));
            } catch (AssertionError dead) {
                System.out.println("lab: tiny1 runs but does not answer; powered off. " + dead.getMessage());
                virsh(LAB1, "destroy", "tiny1");
            }
        }
    }

    /**
     * The lab's daemons: libvirtd, virtlogd, virtlockd and the HA heartbeat (scripts/virtdeck-heartbeat.sh) of each
     * host: killing all of them is killing the host.
     */
    public static final List<String> DAEMONS = List.of("libvirtd", "virtlogd", "virtlockd", "virtdeck-heartbeat");

    /** The live processes among the lab's daemons (of lab1 and lab2), by their pid files. */
    public static java.util.Set<Long> daemons() {
        java.util.Set<Long> alive = new java.util.TreeSet<>();
        for (String host : List.of("lab1", "lab2")) {
            for (String daemon : DAEMONS) {
                daemonPid(host, daemon).filter(pid -> running(pid, daemon)).ifPresent(alive::add);
            }
        }
        return alive;
    }

    /** The lab daemons' pid files and what runs under each pid (its state from /proc), for a failure's message. */
    public static String daemonReport() {
        StringBuilder report = new StringBuilder();
        for (String host : List.of("lab1", "lab2")) {
            for (String daemon : DAEMONS) {
                Optional<Long> pid = daemonPid(host, daemon);
                report.append(host).append('/').append(daemon).append(".pid: ");
                if (pid.isEmpty()) {
                    report.append("none; ");
                    continue;
                }
                String stat;
                try {
                    stat = Files.readString(Path.of("/proc", pid.get().toString(), "stat")).trim();
                } catch (IOException e) {
                    stat = "no such process";
                }
                report.append(pid.get()).append(" (").append(stat).append("); ");
            }
        }
        return report.toString();
    }

    /** Sends a signal ("STOP", "CONT") to a process, as {@code kill -<signal>} does. */
    public static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + signal + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run kill: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running kill", e);
        }
    }

    /** The QEMU processes running the domain, on whichever lab host: found by the {@code guest=NAME} QEMU is given. */
    public static List<Long> qemuPids(String domain) {
        List<Long> pids = new java.util.ArrayList<>();
        try (var processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    List<String> arguments = List.of(new String(Files.readAllBytes(process.resolve("cmdline")),
                            StandardCharsets.UTF_8).split("\u0000"));
                    if (!arguments.isEmpty() && arguments.get(0).contains("qemu-system")
                            && arguments.stream().anyMatch(a -> a.startsWith("guest=" + domain + ",")
                            || a.equals("guest=" + domain))) {
                        pids.add(Long.parseLong(process.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // ended while the list was read
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc: " + e.getMessage(), e);
        }
        return pids;
    }

    /** The process id of a lab host's libvirtd ("lab1", "lab2"), for faults a test makes on purpose. */
    public static long libvirtdPid(String host) {
        return daemonPid(host, "libvirtd").orElseThrow(() -> new AssertionError("no libvirtd runs for " + host));
    }

    /** The pid of one of a lab host's daemons (one of {@link #DAEMONS}), from its pid file. */
    public static Optional<Long> daemonPid(String host, String daemon) {
        try {
            return Optional.of(Long.parseLong(Files.readString(DIR.resolve(host).resolve(daemon + ".pid")).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty(); // no pid file: that daemon is not running
        }
    }

    /**
     * Alive and not a zombie (killed, waiting for its parent), as scripts/lab.sh counts it too; the daemon's program,
     * or a shell running the script of its name.
     */
    private static boolean running(long pid, String daemon) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/" + daemon)).orElse(false)
                        || List.of(p.info().arguments().orElse(new String[0])).stream()
                        .anyMatch(a -> a.endsWith("/" + daemon + ".sh")));
        if (process.isEmpty()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
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

    /**
     * The lab while this test run uses it: brought up from scratch now ({@code clean}, keeping only the built tiny
     * guest, then {@code up}), so that no earlier run's hosts, guests or volumes are part of this one; down when JUnit
     * closes the root store at the end of the run. One test run at a time on this machine: the lab's ports are the
     * machine's, so a run in another checkout waits here until the first one has taken its lab down.
     */
    static final class Running implements AutoCloseable {

        private static final Path RUN_LOCK = Path.of(System.getProperty("java.io.tmpdir"), "virtdeck-lab.test-run.lock");
        private final FileChannel lockFile;

        Running() {
            lockFile = holdRunLock();
            script("clean");
            long started = System.nanoTime();
            script("up");
            upTook = Duration.ofNanos(System.nanoTime() - started);
        }

        private static FileChannel holdRunLock() {
            try {
                FileChannel channel = FileChannel.open(RUN_LOCK,
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                if (channel.tryLock() == null) {
                    System.out.println("lab: another test run uses the lab; waiting for it to finish");
                    channel.lock();
                }
                return channel;
            } catch (IOException e) {
                throw new AssertionError("cannot lock " + RUN_LOCK + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                script("down");
            } finally {
                lockFile.close(); // releases the lock
            }
        }
    }
}

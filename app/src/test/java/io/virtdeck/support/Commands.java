package io.virtdeck.support;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Programs a test runs on this machine (qemu-img, qemu-io, tar) to make or check files. */
public final class Commands {

    private Commands() {
    }

    /** Runs the command, fails the test unless it ends with 0 within a minute, and returns what it printed. */
    public static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command) + " within a minute")
                .isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }
}

package io.virtdeck.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** nginx on a free port of 127.0.0.1, its server block being the README's snippet pointed at a test's Virtdeck. */
public final class ReadmeNginx implements AutoCloseable {

    private final Process nginx;
    private final int port;

    private ReadmeNginx(Process nginx, int port) {
        this.nginx = nginx;
        this.port = port;
    }

    /** Starts nginx in front of Virtdeck's {@code virtdeckPort} and waits until it accepts connections. */
    public static ReadmeNginx start(int virtdeckPort) throws Exception {
        String readme = Files.readString(Lab.repoRoot().resolve("README.md"));
        Matcher snippet = Pattern.compile("```nginx\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(snippet.find()).as("the README has an nginx snippet").isTrue();
        int proxyPort;
        try (ServerSocket free = new ServerSocket(0)) {
            proxyPort = free.getLocalPort();
        }
        Path prefix = Files.createTempDirectory("virtdeck-nginx");
        Files.createDirectories(prefix.resolve("logs"));
        String conf = "daemon off;\npid " + prefix.resolve("nginx.pid") + ";\nerror_log " + prefix.resolve("error.log")
                + ";\nevents {}\nhttp {\naccess_log off;\nserver {\nlisten 127.0.0.1:" + proxyPort + ";\n"
                + snippet.group(1).replace("127.0.0.1:8080", "127.0.0.1:" + virtdeckPort) + "}\n}\n";
        Files.writeString(prefix.resolve("nginx.conf"), conf);
        String binary = Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
        Process nginx = new ProcessBuilder(binary, "-p", prefix.toString(), "-c",
                prefix.resolve("nginx.conf").toString(), "-e", prefix.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("out.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", proxyPort)) {
                return true;
            } catch (IOException e) {
                assertThat(nginx.isAlive()).as("nginx: " + Files.readString(prefix.resolve("out.log"))).isTrue();
                return false;
            }
        }, up -> up);
        return new ReadmeNginx(nginx, proxyPort);
    }

    /** The port nginx listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        nginx.destroy();
        nginx.waitFor(10, TimeUnit.SECONDS);
    }
}

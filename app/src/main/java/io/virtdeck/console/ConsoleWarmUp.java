package io.virtdeck.console;

import java.io.File;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.stream.Stream;

import org.apache.coyote.http11.upgrade.UpgradeInfo;
import org.apache.tomcat.websocket.WsSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.adapter.AbstractWebSocketSession;
import org.springframework.web.socket.handler.BinaryWebSocketHandler;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * Takes the class loading of the console's WebSocket off the first console's path: the first console after a start
 * loaded some 150 classes of the servlet container's and Spring's WebSocket support while the browser waited, and its
 * WebSocket took 230-310 ms to open against 30-50 ms for the next ones (docs/benchmarks/console-proxy.md). Once the
 * application is ready, a low-priority thread loads those packages and works the VNC login's DES once.
 */
@Component
class ConsoleWarmUp {

    private static final Logger log = LoggerFactory.getLogger(ConsoleWarmUp.class);

    /**
     * A class of each package a console's WebSocket goes through, from the upgrade to the first frame: the package is
     * found where its class is (a jar need not list its folders), and an upgrade that moves one fails to compile.
     */
    static final List<Class<?>> PACKAGES = List.of(jakarta.websocket.Session.class, WsSession.class,
            UpgradeInfo.class, AbstractWebSocketSession.class, StandardWebSocketUpgradeStrategy.class,
            DefaultHandshakeHandler.class, BinaryWebSocketHandler.class, ConsoleWarmUp.class);

    @EventListener(ApplicationReadyEvent.class)
    void warmUpInTheBackground() {
        Thread thread = new Thread(this::warmUp, "console-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /**
     * Loads the classes of each package and its sub-packages (without running their static initializers); returns
     * how many, by package.
     */
    Map<String, Integer> warmUp() {
        long started = System.nanoTime();
        ClassLoader loader = ConsoleWarmUp.class.getClassLoader();
        Map<String, Integer> loaded = new LinkedHashMap<>();
        for (Class<?> member : PACKAGES) {
            String pkg = member.getPackageName().replace('.', '/') + "/";
            loaded.put(pkg, 0);
            try {
                for (String name : classesBeside(member, pkg)) {
                    try {
                        Class.forName(name, false, loader);
                        loaded.merge(pkg, 1, Integer::sum);
                    } catch (ClassNotFoundException | LinkageError e) {
                        // a class for an optional part that is not here (SockJS's transports): never used either
                    }
                }
            } catch (IOException | URISyntaxException e) {
                log.debug("console warm-up could not list {}: {}", pkg, e.getMessage());
            }
        }
        VncPassword.respond(VncPassword.random(), new byte[16]); // the JDK's DES provider, looked up once
        log.debug("console warm-up: classes loaded {} in {} ms", loaded, (System.nanoTime() - started) / 1_000_000);
        return loaded;
    }

    /** The names of the classes in the package of {@code member} and below, from its jar or its folder. */
    private static List<String> classesBeside(Class<?> member, String pkg) throws IOException, URISyntaxException {
        URL where = member.getResource(member.getSimpleName() + ".class");
        if (where.openConnection() instanceof JarURLConnection jar) {
            // the class loader's own open jar: read, never closed here
            return jar.getJarFile().stream().map(JarEntry::getName)
                    .filter(entry -> entry.startsWith(pkg) && entry.endsWith(".class"))
                    .map(ConsoleWarmUp::className).toList();
        }
        Path folder = Path.of(where.toURI()).getParent();
        Path root = folder.getRoot().resolve(folder.subpath(0, folder.getNameCount() - pkg.split("/").length));
        try (Stream<Path> files = Files.walk(folder)) {
            return files.map(file -> root.relativize(file).toString().replace(File.separatorChar, '/'))
                    .filter(entry -> entry.endsWith(".class")).map(ConsoleWarmUp::className).toList();
        }
    }

    private static String className(String entry) {
        return entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
    }
}

package io.virtdeck.hypervisor;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.Library;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's default event loop, started once per process: domain events, keepalive and close notifications are
 * only delivered while it runs. Also silences libvirt's own printing of every error to stderr; errors still reach
 * Virtdeck as exceptions.
 */
final class LibvirtEventLoop {

    private static final Logger log = LoggerFactory.getLogger(LibvirtEventLoop.class);
    private static boolean started;
    // JNA holds callbacks weakly: keep a strong reference or libvirt calls into freed memory.
    private static final org.libvirt.jna.Libvirt.VirErrorCallback QUIET_ERRORS =
            (userData, error) -> log.trace("libvirt: {}", error.message);

    private LibvirtEventLoop() {
    }

    static synchronized void ensureStarted() {
        if (started) {
            return;
        }
        try {
            Connect.setErrorCallback(QUIET_ERRORS);
            Library.initEventLoop();
        } catch (LibvirtException e) {
            throw new IllegalStateException("cannot start libvirt's event loop: " + e.getMessage(), e);
        }
        Thread loop = new Thread(LibvirtEventLoop::run, "libvirt-event-loop");
        loop.setDaemon(true);
        loop.start();
        started = true;
    }

    private static void run() {
        try {
            Library.runEventLoop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (LibvirtException e) {
            log.error("libvirt's event loop stopped: {}", e.getMessage());
        }
    }
}

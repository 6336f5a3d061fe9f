package io.virtdeck.hypervisor;

/**
 * One graphics device: {@code port} is -1 until the domain runs with autoport; {@code socket} is the UNIX socket its
 * server listens on instead of a TCP port ({@code <listen type='socket'/>}), known once the domain runs, else null.
 */
public record GraphicsFacts(String type, int port, boolean autoport, String listen, String socket) {

    /** A device listening on TCP (or not at all yet). */
    public GraphicsFacts(String type, int port, boolean autoport, String listen) {
        this(type, port, autoport, listen, null);
    }

    /**
     * A VNC display QEMU serves: on a port or a UNIX socket. A simulated host's (libvirt's test driver) never is: it
     * runs no display, so its port stays -1.
     */
    public boolean servedVnc() {
        return "vnc".equals(type) && (port > 0 || socket != null);
    }
}

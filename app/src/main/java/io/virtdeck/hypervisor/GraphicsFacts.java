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
}

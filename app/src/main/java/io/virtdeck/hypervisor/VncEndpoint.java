package io.virtdeck.hypervisor;

/**
 * Where Virtdeck reaches a running guest's VNC server: {@code address:port} directly, or, when {@code sshDestination}
 * is set, that address as seen from the host at the other end of an SSH tunnel (VNC listening on a qemu+ssh host's
 * loopback). {@code sshPort} is -1 for SSH's default. A server on a UNIX socket of its host ({@code socket} set, no
 * address, port -1) is reached either through that tunnel to the socket's path, or {@code throughLibvirt}: libvirt
 * hands Virtdeck a socket already connected to the display ({@link ConsoleGateway#openDisplay}).
 */
public record VncEndpoint(String address, int port, String sshDestination, int sshPort, String socket,
                          boolean throughLibvirt) {

    /** A TCP port, directly or through SSH. */
    public VncEndpoint(String address, int port, String sshDestination, int sshPort) {
        this(address, port, sshDestination, sshPort, null, false);
    }

    /** The display on {@code socket}, which libvirt connects Virtdeck to on a local connection. */
    public static VncEndpoint throughLibvirt(String socket) {
        return new VncEndpoint(null, -1, null, -1, socket, true);
    }

    /** The display on {@code socket} of the host at the other end of an SSH tunnel. */
    public static VncEndpoint socketThroughSsh(String socket, String sshDestination, int sshPort) {
        return new VncEndpoint(null, -1, sshDestination, sshPort, socket, false);
    }

    public boolean tunnelled() {
        return sshDestination != null;
    }

    @Override
    public String toString() {
        if (socket != null) {
            return "UNIX socket " + socket + (throughLibvirt ? " through libvirt" : " via ssh " + sshDestination);
        }
        return tunnelled() ? address + ":" + port + " via ssh " + sshDestination : address + ":" + port;
    }
}

package io.virtdeck.hypervisor;

/**
 * Where Virtdeck reaches a running guest's VNC server: {@code address:port} directly, or, when {@code sshDestination}
 * is set, that address as seen from the host at the other end of an SSH tunnel (VNC listening on a qemu+ssh host's
 * loopback). {@code sshPort} is -1 for SSH's default.
 */
public record VncEndpoint(String address, int port, String sshDestination, int sshPort) {

    public boolean tunnelled() {
        return sshDestination != null;
    }

    @Override
    public String toString() {
        return tunnelled() ? address + ":" + port + " via ssh " + sshDestination : address + ":" + port;
    }
}

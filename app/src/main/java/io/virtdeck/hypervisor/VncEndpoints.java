package io.virtdeck.hypervisor;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import io.virtdeck.core.HypervisorException;

/**
 * Works out how Virtdeck reaches a guest's VNC server from the host's libvirt URI and the guest's graphics element.
 * A server listening on all addresses is reached at the host's own address; one on the host's loopback only from
 * Virtdeck's own machine, or through SSH when libvirt itself is reached through SSH. One on a UNIX socket of its host
 * is reached through SSH too, or through libvirt on a local connection ({@link #onSocket}).
 */
final class VncEndpoints {

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "::1", "localhost");
    private static final Set<String> ANY = Set.of("0.0.0.0", "::", "[::]");

    private VncEndpoints() {
    }

    static VncEndpoint resolve(String hostUri, String domainName, List<GraphicsFacts> graphics) {
        GraphicsFacts vnc = graphics.stream().filter(g -> "vnc".equals(g.type())).findFirst()
                .orElseThrow(() -> new HypervisorException(HypervisorException.Kind.UNSUPPORTED,
                        "'" + domainName + "' has no VNC display"));
        URI uri = URI.create(hostUri);
        if (vnc.socket() != null) {
            return onSocket(uri, domainName, vnc.socket());
        }
        if (vnc.port() <= 0) {
            throw new HypervisorException(HypervisorException.Kind.INVALID_STATE,
                    "'" + domainName + "' has no VNC port yet: it is not running");
        }
        String host = uri.getHost();
        String listen = vnc.listen() == null ? "127.0.0.1" : vnc.listen(); // qemu.conf's vnc_listen default
        boolean local = host == null || LOOPBACK.contains(host.toLowerCase(Locale.ROOT));
        if (local) {
            return new VncEndpoint(ANY.contains(listen) ? "127.0.0.1" : listen, vnc.port(), null, -1);
        }
        if (ANY.contains(listen)) {
            return new VncEndpoint(host, vnc.port(), null, -1);
        }
        if (!LOOPBACK.contains(listen)) {
            return new VncEndpoint(listen, vnc.port(), null, -1);
        }
        if (transport(uri).startsWith("ssh") || transport(uri).startsWith("libssh")) {
            String destination = uri.getUserInfo() == null ? host : uri.getUserInfo() + "@" + host;
            return new VncEndpoint(listen, vnc.port(), destination, uri.getPort());
        }
        throw new HypervisorException(HypervisorException.Kind.UNSUPPORTED, "the VNC display of '" + domainName
                + "' listens on its host's loopback only; Virtdeck reaches such displays through SSH (a qemu+ssh://"
                + " host URI) or when vnc_listen in the host's qemu.conf is an address Virtdeck can reach");
    }

    /**
     * A display on a UNIX socket of its host: libvirt connects Virtdeck to it when Virtdeck reaches libvirt over a
     * local socket (it passes the connected socket as a file descriptor, which its TCP and TLS transports cannot
     * carry); SSH connects to the socket's path on a qemu+ssh host; no other way reaches a file on the host.
     */
    private static VncEndpoint onSocket(URI uri, String domainName, String socket) {
        String transport = transport(uri);
        if (transport.startsWith("ssh") || transport.startsWith("libssh")) {
            String destination = uri.getUserInfo() == null ? uri.getHost() : uri.getUserInfo() + "@" + uri.getHost();
            return VncEndpoint.socketThroughSsh(socket, destination, uri.getPort());
        }
        if (uri.getHost() == null && (transport.isEmpty() || transport.equals("unix"))) {
            return VncEndpoint.throughLibvirt(socket);
        }
        String carried = transport.equals("tcp") ? "TCP" : transport.equals("ext") ? "an external command"
                : "TLS"; // qemu://host/ is TLS
        throw new HypervisorException(HypervisorException.Kind.UNSUPPORTED, "the VNC display of '" + domainName
                + "' listens only on a UNIX socket of its host (" + socket + "), with no TCP port, and libvirt cannot"
                + " hand that socket to Virtdeck over " + carried + ", the way Virtdeck reaches this host: such a"
                + " display opens when the host's URI is qemu+ssh:// (SSH to the socket) or local (qemu:///system on"
                + " Virtdeck's own machine), or when the guest's VNC listens on an address");
    }

    /** The part after '+' in a scheme such as qemu+ssh; empty for a local or plain scheme. */
    private static String transport(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        int plus = scheme.indexOf('+');
        return plus < 0 ? "" : scheme.substring(plus + 1).toLowerCase(Locale.ROOT);
    }
}

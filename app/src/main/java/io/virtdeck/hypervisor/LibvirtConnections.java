package io.virtdeck.hypervisor;

import java.net.URI;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/** Opening libvirt connections, shared by the managed {@link HostConnection}s and one-off probes. */
final class LibvirtConnections {

    private LibvirtConnections() {
    }

    /** Opens the URI with the host's credentials; stored material is on disk only while libvirt connects. */
    static Connect open(String uri, HostCredentials credentials) throws LibvirtException {
        LibvirtEventLoop.ensureStarted();
        try (CredentialFiles files = CredentialFiles.prepare(uri, credentials)) {
            return new Connect(files.uri(), false);
        }
    }

    /**
     * Asks libvirt to probe remote connections so a silently dead host is noticed (and the connection closed) within
     * interval x count seconds. Local drivers have no keepalive and need none.
     */
    static void enableKeepalive(Connect connect, HypervisorProperties properties) {
        if (!isRemote(connect)) {
            return;
        }
        try {
            connect.setKeepAlive(properties.keepaliveInterval(), properties.keepaliveCount());
        } catch (LibvirtException e) {
            // older servers refuse keepalive; the call timeout still protects every caller
        }
    }

    private static boolean isRemote(Connect connect) {
        try {
            URI uri = URI.create(connect.getURI());
            return uri.getScheme().contains("+") || (uri.getHost() != null && !uri.getHost().isEmpty());
        } catch (LibvirtException | IllegalArgumentException e) {
            return false;
        }
    }
}

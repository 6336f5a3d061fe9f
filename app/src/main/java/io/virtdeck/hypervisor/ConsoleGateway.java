package io.virtdeck.hypervisor;

import java.time.Instant;
import java.util.UUID;
import io.virtdeck.core.HypervisorException;

/**
 * What a console needs to reach a domain's display.
 */
public interface ConsoleGateway {

    /** Where Virtdeck reaches the running domain's VNC server. */
    VncEndpoint vncEndpoint(long hostId, UUID uuid);

    /**
     * A socket connected to the running domain's display, from libvirt itself: for a display on a UNIX socket of its
     * host ({@link VncEndpoint#throughLibvirt()}), which only a connection to libvirt over a local socket can hand
     * over. The display's own login follows on it, as on a TCP port.
     */
    DisplaySocket openDisplay(long hostId, UUID uuid);

    /**
     * Sets a password on the running domain's VNC server that expires at {@code validUntil} (the live device only;
     * the definition keeps its own). Fails with {@link HypervisorException.Kind#UNSUPPORTED} where the driver cannot.
     */
    void setVncPassword(long hostId, UUID uuid, String password, Instant validUntil);

    /**
     * The host's SSH credentials as OpenSSH client options, for a tunnel to its display (files removed on close);
     * empty when it has none. UNREACHABLE when stored credentials cannot be decrypted.
     */
    SshOptions sshOptions(long hostId);
}

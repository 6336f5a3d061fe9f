package io.virtdeck.hypervisor;

import java.util.List;

/**
 * A host's SSH credentials as options of the OpenSSH client, for the console's tunnel to a display on a qemu+ssh
 * host's loopback. Stored material is on disk (0700/0600) until {@link #close()}: close it once the tunnel carries
 * bytes (the client has authenticated by then).
 */
public final class SshOptions implements AutoCloseable {

    private final CredentialFiles files;

    SshOptions(CredentialFiles files) {
        this.files = files;
    }

    /** The options to put before the destination: {@code -i}, {@code UserKnownHostsFile}; empty when none. */
    public List<String> arguments() {
        return files.sshOptions();
    }

    @Override
    public void close() {
        files.close();
    }
}

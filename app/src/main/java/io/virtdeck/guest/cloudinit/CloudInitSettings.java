package io.virtdeck.guest.cloudinit;

import java.util.List;

/**
 * Checked cloud-init settings as they are kept (the password only as its hash, beside them) and as GET shows them.
 * {@link CloudInitChecks} makes them from a {@link CloudInitRequest}.
 */
public record CloudInitSettings(String hostname, String user, List<String> sshKeys, List<String> dns,
                                List<CloudInitRequest.Nic> nics, String userData) {

    public CloudInitSettings {
        sshKeys = List.copyOf(sshKeys);
        dns = List.copyOf(dns);
        nics = List.copyOf(nics);
    }
}

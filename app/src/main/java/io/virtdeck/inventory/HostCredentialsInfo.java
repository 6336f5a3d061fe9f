package io.virtdeck.inventory;

import java.time.Instant;

/**
 * What is known of a host's credentials, safe to show anyone who may read the host: their kind, where they are kept,
 * and when they were set; never the material (OpenAPI's host JSON, field {@code "credentials"}).
 *
 * @param type {@code ssh-key} or {@code tls}
 * @param storage {@link #STORED} or {@link #FILE}
 * @param path the key file or PKI directory on the Virtdeck server, for {@link #FILE}
 * @param knownHosts null when none; else {@link #STORED} or the known_hosts file's path
 */
public record HostCredentialsInfo(String type, String storage, String path, String knownHosts, Instant updatedAt,
                                  String updatedBy) {

    public static final String STORED = "stored (encrypted)";
    public static final String FILE = "file on the Virtdeck server";

    /** One line for audit details and notices. */
    public String describe() {
        String what = HostCredentialsRequest.TLS.equals(type) ? "TLS client certificate" : "SSH key";
        String where = path == null ? STORED : path;
        return what + ", " + where + (knownHosts == null ? "" : "; known_hosts " + knownHosts);
    }
}

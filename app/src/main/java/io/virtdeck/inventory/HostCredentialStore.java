package io.virtdeck.inventory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import io.virtdeck.VirtdeckInstance;
import io.virtdeck.cluster.PeerNotifications;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.HostCredentials;
import io.virtdeck.security.SecretBox;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hosts' credentials in PostgreSQL: paths as they are, material encrypted ({@link SecretBox}, bound to the host's id
 * so that a row moved to another host does not decrypt). Reading them back for a connection is the only place the
 * material is decrypted.
 */
@Repository
class HostCredentialStore {

    private static final String PRIVATE_KEY = "privateKey";
    private static final String KNOWN_HOSTS = "knownHosts";
    private static final String CA = "caCertificate";
    private static final String CERTIFICATE = "clientCertificate";
    private static final String KEY = "clientKey";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final SecretBox box;
    private final VirtdeckInstance instance;

    HostCredentialStore(JdbcClient jdbc, JsonMapper json, SecretBox box, VirtdeckInstance instance) {
        this.jdbc = jdbc;
        this.json = json;
        this.box = box;
        this.instance = instance;
    }

    /** Tells the other instances that a host's credentials changed (their connections to it re-open with them). */
    void announceChange(long hostId) {
        PeerNotifications.credentialsChanged(jdbc, instance.id(), hostId);
    }

    /** Stores (or replaces) a host's credentials; NONE removes them. */
    void save(long hostId, HostCredentials credentials, String user) {
        if (credentials instanceof HostCredentials.None) {
            remove(hostId);
            return;
        }
        String kind = credentials instanceof HostCredentials.SshKeyFile
                || credentials instanceof HostCredentials.StoredSshKey ? "SSH_KEY" : "TLS";
        String path = null;
        String knownHostsPath = null;
        Map<String, String> material = new LinkedHashMap<>();
        if (credentials instanceof HostCredentials.SshKeyFile file) {
            path = file.keyFile().toString();
            knownHostsPath = file.knownHostsFile() == null ? null : file.knownHostsFile().toString();
        } else if (credentials instanceof HostCredentials.TlsDirectory tls) {
            path = tls.pkiDirectory().toString();
        } else if (credentials instanceof HostCredentials.StoredSshKey key) {
            material.put(PRIVATE_KEY, encode(key.privateKey()));
            if (key.knownHosts() != null) {
                material.put(KNOWN_HOSTS, encode(key.knownHosts()));
            }
        } else if (credentials instanceof HostCredentials.StoredTls tls) {
            material.put(CA, encode(tls.caCertificate()));
            material.put(CERTIFICATE, encode(tls.clientCertificate()));
            material.put(KEY, encode(tls.clientKey()));
        }
        byte[] secret;
        try {
            secret = material.isEmpty() ? null
                    : box.encrypt(json.writeValueAsString(material).getBytes(StandardCharsets.UTF_8), boundTo(hostId));
        } catch (IllegalStateException e) {
            // the instance's secret key is misconfigured: nothing is stored, and the admin is told what to fix
            throw VirtdeckException.conflict("credentials", "Virtdeck cannot encrypt the credentials: "
                    + e.getMessage() + ".");
        }
        jdbc.sql("""
                        INSERT INTO host_credentials (host_id, kind, path, known_hosts_path, secret, known_hosts,
                                                      updated_by)
                        VALUES (:host, :kind, :path, :knownHostsPath, :secret, :knownHosts, :user)
                        ON CONFLICT (host_id) DO UPDATE SET kind = excluded.kind, path = excluded.path,
                               known_hosts_path = excluded.known_hosts_path, secret = excluded.secret,
                               known_hosts = excluded.known_hosts, updated_at = now(),
                               updated_by = excluded.updated_by""")
                .param("host", hostId)
                .param("kind", kind)
                .param("path", path)
                .param("knownHostsPath", knownHostsPath)
                .param("secret", secret)
                .param("knownHosts", material.containsKey(KNOWN_HOSTS))
                .param("user", user)
                .update();
    }

    /** True when the host had credentials. */
    boolean remove(long hostId) {
        return jdbc.sql("DELETE FROM host_credentials WHERE host_id = :host").param("host", hostId).update() == 1;
    }

    /**
     * The host's credentials, decrypted, for a connection; NONE when it has none. Stored material that does not
     * decrypt makes the host unreachable, saying why.
     */
    HostCredentials credentials(long hostId) {
        Optional<Row> found = jdbc.sql("""
                        SELECT kind, path, known_hosts_path, secret FROM host_credentials WHERE host_id = :host""")
                .param("host", hostId)
                .query((rs, n) -> new Row(rs.getString("kind"), rs.getString("path"),
                        rs.getString("known_hosts_path"), rs.getBytes("secret")))
                .optional();
        if (found.isEmpty()) {
            return HostCredentials.NONE;
        }
        Row row = found.get();
        boolean ssh = "SSH_KEY".equals(row.kind());
        if (row.secret() == null) {
            return ssh ? new HostCredentials.SshKeyFile(Path.of(row.path()),
                    row.knownHostsPath() == null ? null : Path.of(row.knownHostsPath()))
                    : new HostCredentials.TlsDirectory(Path.of(row.path()));
        }
        Map<String, String> material;
        try {
            material = json.readValue(new String(box.decrypt(row.secret(), boundTo(hostId)), StandardCharsets.UTF_8),
                    new TypeReference<Map<String, String>>() { });
        } catch (SecretBox.UnreadableSecret | IllegalStateException e) {
            throw new HypervisorException(HypervisorException.Kind.UNREACHABLE,
                    "Virtdeck cannot use the host's stored credentials: " + e.getMessage() + ". Replace them on "
                            + "the host's page, or give this instance the key they were stored with.");
        }
        return ssh ? new HostCredentials.StoredSshKey(decode(material.get(PRIVATE_KEY)),
                material.containsKey(KNOWN_HOSTS) ? decode(material.get(KNOWN_HOSTS)) : null)
                : new HostCredentials.StoredTls(decode(material.get(CA)), decode(material.get(CERTIFICATE)),
                        decode(material.get(KEY)));
    }

    private static String boundTo(long hostId) {
        return "host-credentials:" + hostId;
    }

    private static String encode(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] decode(String text) {
        return Base64.getDecoder().decode(text);
    }

    private record Row(String kind, String path, String knownHostsPath, byte[] secret) {
    }
}

package io.virtdeck.inventory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.security.SecretBox;
import io.virtdeck.security.SecretProperties;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestLibvirtDaemon;
import io.virtdeck.support.TestPki;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

/**
 * Hosts reached with credentials Virtdeck stores encrypted or finds by path, against a real libvirtd: over TLS
 * requiring client certificates ({@link TestLibvirtDaemon#withTls}), and over SSH with libssh through an sshd that
 * admits one key ({@link TestLibvirtDaemon#withSsh}). The right credentials connect, none or wrong ones do not, and a
 * key never comes back in the API, the pages, the audit trail, the log or the database's clear text.
 */
@VirtdeckIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class HostCredentialsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static TestPki pki;
    private static TestLibvirtDaemon daemon;

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void tlsHost() throws Exception {
        pki = TestPki.create();
        daemon = new TestLibvirtDaemon().withTls(pki).withSsh().start();
    }

    @AfterAll
    static void stopHost() throws Exception {
        daemon.close();
        pki.close();
    }

    Api api() {
        return new Api(mvc);
    }

    /** Each test registers the daemon's URIs afresh (a URI is registered once). */
    @AfterEach
    void forgetTheDaemonsHosts() throws Exception {
        for (Long id : jdbc.sql("SELECT id FROM hosts WHERE uri IN (:uris)")
                .param("uris", List.of(daemon.tlsUri(), daemon.sshUri())).query(Long.class).list()) {
            mvc.perform(delete("/api/v1/hosts/" + id).with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)));
        }
    }

    @Test
    void storedClientCertificateConnectsAndIsNeverShownBack(CapturedOutput output) throws Exception {
        List<Path> before = credentialDirectories();
        String created = mvc.perform(api().post("/api/v1/hosts", register("tls-stored", storedTls("client"))))
                .andReturn().getResponse().getContentAsString();
        assertThat(JsonPath.<String>read(created, "$.credentials.type")).as(created).isEqualTo("tls");
        assertThat(JsonPath.<String>read(created, "$.credentials.storage")).isEqualTo("stored (encrypted)");
        long id = ((Number) JsonPath.read(created, "$.id")).longValue();

        String host = connectedWithItsGuest(id);
        assertThat(JsonPath.<String>read(host, "$.credentials.updatedBy")).isEqualTo(Api.ADMIN);
        assertThat(credentialDirectories()).as("the decrypted files are gone once libvirt has connected")
                .isEqualTo(before);
        assertThat(page("/hosts/" + id)).contains("Credentials").contains("TLS client certificate")
                .contains("stored (encrypted)");
        assertNothingShowsAKey(id, created, host, output);

        byte[] secret = jdbc.sql("SELECT secret FROM host_credentials WHERE host_id = :id").param("id", id)
                .query(byte[].class).single();
        assertThat(new String(secret, StandardCharsets.ISO_8859_1)).doesNotContain("BEGIN", keyLine());
        assertThat(credentialsRow(id)).doesNotContain(base64(pki.pem("client.key")));
    }

    @Test
    void withoutCertificatesOrWithAnotherCasTheHostIsRefused(CapturedOutput output) throws Exception {
        String none = mvc.perform(api().post("/api/v1/hosts", register("tls-none", null)))
                .andReturn().getResponse().getContentAsString();
        assertThat(JsonPath.<Integer>read(none, "$.status")).as(none).isEqualTo(400);
        assertThat(JsonPath.<String>read(none, "$.field")).isEqualTo("uri");
        assertThat(JsonPath.<String>read(none, "$.message")).contains("Cannot read CA certificate");

        // the client trusts both CAs, so libvirt sends its certificate; the server trusts its own CA alone: refused
        Map<String, String> rogueCredentials = storedTls("rogue-client");
        rogueCredentials.put("caCertificate", pki.pem("ca.pem") + pki.pem("other-ca.pem"));
        String rogue = mvc.perform(api().post("/api/v1/hosts", register("tls-rogue", rogueCredentials)))
                .andReturn().getResponse().getContentAsString();
        System.out.println("[HostCredentialsTest] another CA's client certificate: " + rogue);
        assertThat(JsonPath.<Integer>read(rogue, "$.status")).as(rogue).isEqualTo(400);
        assertThat(JsonPath.<String>read(rogue, "$.field")).isEqualTo("uri");
        assertThat(JsonPath.<String>read(rogue, "$.message")).contains("refused Virtdeck's client certificate");
        assertThat(jdbc.sql("SELECT count(*) FROM hosts WHERE name IN ('tls-none', 'tls-rogue')").query(Long.class)
                .single()).isZero();
        assertNoSecret(rogue);
        assertNoSecret(audit());
        assertNoSecret(output.getAll());
    }

    @Test
    void removedOrUndecryptableCredentialsLeaveTheHostUnreachableSayingWhy(CapturedOutput output) throws Exception {
        long id = registered("tls-removed");
        String removed = mvc.perform(delete("/api/v1/hosts/" + id + "/credentials")
                .with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))).andReturn().getResponse().getContentAsString();
        assertThat(JsonPath.<Object>read(removed, "$.credentials")).as(removed).isNull();
        String unreachable = awaitState(id, "UNREACHABLE");
        assertThat(JsonPath.<String>read(unreachable, "$.stateReason")).contains("Cannot read CA certificate");
        assertThat(Api.audited(jdbc, "host.credentials.remove", "tls-removed")).isEqualTo(1);

        String replaced = mvc.perform(put("/api/v1/hosts/" + id + "/credentials")
                        .with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)).contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsString(storedTls("client"))))
                .andReturn().getResponse().getContentAsString();
        assertThat(JsonPath.<String>read(replaced, "$.credentials.storage")).as(replaced)
                .isEqualTo("stored (encrypted)");
        awaitState(id, "CONNECTED");

        // the same material stored under another instance's key: this one cannot read it, and says so
        SecretBox otherKey = new SecretBox(new SecretProperties(
                Base64.getEncoder().encodeToString(new byte[32]), null));
        byte[] foreign = otherKey.encrypt(JSON.writeValueAsBytes(Map.of("caCertificate", base64(pki.pem("ca.pem")))),
                "host-credentials:" + id);
        jdbc.sql("UPDATE host_credentials SET secret = :secret WHERE host_id = :id").param("secret", foreign)
                .param("id", id).update();
        // as another instance that changed them would tell this one: it re-opens its connection with them
        jdbc.sql("SELECT pg_notify('virtdeck_host_credentials', :payload)")
                .param("payload", UUID.randomUUID() + " " + id).query(String.class).single();
        String undecryptable = awaitState(id, "UNREACHABLE");
        assertThat(JsonPath.<String>read(undecryptable, "$.stateReason"))
                .contains("cannot use the host's stored credentials").contains("another key");
        assertThat(page("/hosts/" + id)).contains("cannot use the host&#39;s stored credentials");
        assertNoSecret(output.getAll());
        assertNoSecret(audit());
    }

    @Test
    void aStoredSshKeyAndKnownHostsEntryConnectThroughSsh(CapturedOutput output) throws Exception {
        String created = mvc.perform(api().post("/api/v1/hosts", JSON.writeValueAsString(Map.of("name", "ssh-stored",
                        "uri", daemon.sshUri(), "credentials", Map.of("type", "ssh-key",
                                "privateKey", daemon.sshClientKey(), "knownHosts", daemon.sshKnownHosts())))))
                .andReturn().getResponse().getContentAsString();
        assertThat(JsonPath.<String>read(created, "$.credentials.type")).as(created).isEqualTo("ssh-key");
        assertThat(JsonPath.<String>read(created, "$.credentials.knownHosts")).isEqualTo("stored (encrypted)");
        long id = ((Number) JsonPath.read(created, "$.id")).longValue();

        String host = connectedWithItsGuest(id);
        assertThat(page("/hosts/" + id)).contains("SSH key").contains("stored (encrypted)");
        assertNothingShowsAKey(id, created, host, output);
        assertThat(credentialsRow(id)).doesNotContain(base64(daemon.sshClientKey()));
    }

    @Test
    void anSshKeyFileByPathConnectsAndAWrongHostKeyOrNoKeyIsRefused() throws Exception {
        Path knownHosts = daemon.sshDirectory().resolve("known_hosts");
        Files.writeString(knownHosts, daemon.sshKnownHosts());
        String byPath = mvc.perform(api().post("/api/v1/hosts", JSON.writeValueAsString(Map.of("name", "ssh-path",
                        "uri", daemon.sshUri(), "credentials", Map.of("type", "ssh-key",
                                "keyPath", daemon.sshDirectory().resolve("client_key").toString(),
                                "knownHostsPath", knownHosts.toString())))))
                .andReturn().getResponse().getContentAsString();
        assertThat(JsonPath.<String>read(byPath, "$.credentials.path")).as(byPath)
                .isEqualTo(daemon.sshDirectory().resolve("client_key").toString());
        awaitState(((Number) JsonPath.read(byPath, "$.id")).longValue(), "CONNECTED");
        forgetTheDaemonsHosts();

        // the client's own public key posing as the host's: not the key sshd shows
        String[] clientPublicKey = Files.readString(daemon.sshDirectory().resolve("client_key.pub")).split(" ");
        String anotherHostsKey = daemon.sshKnownHosts().split(" ")[0] + " " + clientPublicKey[0] + " "
                + clientPublicKey[1];
        String spoofed = mvc.perform(api().post("/api/v1/hosts", JSON.writeValueAsString(Map.of("name", "ssh-spoofed",
                        "uri", daemon.sshUri(), "credentials", Map.of("type", "ssh-key",
                                "privateKey", daemon.sshClientKey(), "knownHosts", anotherHostsKey)))))
                .andReturn().getResponse().getContentAsString();
        System.out.println("[HostCredentialsTest] another host key: " + spoofed);
        assertThat(JsonPath.<Integer>read(spoofed, "$.status")).as(spoofed).isEqualTo(400);
        assertThat(JsonPath.<String>read(spoofed, "$.message")).contains("HOST KEY VERIFICATION FAILED");
        assertNoSecret(spoofed);

        String none = mvc.perform(api().post("/api/v1/hosts", "{\"name\":\"ssh-none\",\"uri\":\"" + daemon.sshUri()
                + "?known_hosts_verify=ignore\"}")).andReturn().getResponse().getContentAsString();
        System.out.println("[HostCredentialsTest] no key: " + none);
        assertThat(JsonPath.<Integer>read(none, "$.status")).as(none).isEqualTo(400);
        assertThat(JsonPath.<String>read(none, "$.field")).isEqualTo("uri");
    }

    @Test
    void uriParametersThatRedirectCredentialsOrRunProgramsAreRefused() throws Exception {
        for (String query : List.of("command=/bin/sh", "KeyFile=/root/.ssh/id_rsa", "pkipath=/etc/pki/libvirt",
                "no_tty=1&socket=/run/libvirt/libvirt-sock", "known%5Fhosts=/tmp/kh", "netcat=nc")) {
            String body = mvc.perform(api().post("/api/v1/hosts", "{\"name\":\"param\",\"uri\":\""
                    + daemon.tlsUri() + "?" + query + "\"}")).andReturn().getResponse().getContentAsString();
            assertThat(JsonPath.<Integer>read(body, "$.status")).as(query + ": " + body).isEqualTo(400);
            assertThat(JsonPath.<String>read(body, "$.field")).isEqualTo("uri");
            assertThat(JsonPath.<String>read(body, "$.message")).contains("may not set the parameter");
        }
    }

    @Test
    void credentialsThatDoNotFitAreRefusedNamingTheField() throws Exception {
        Map<String, String> noKey = storedTls("client");
        noKey.remove("clientKey");
        assertRefused(register("tls-nokey", noKey), "credentials.clientKey");
        Map<String, String> swapped = storedTls("client");
        swapped.put("clientKey", pki.pem("client.pem"));
        assertRefused(register("tls-swapped", swapped), "credentials.clientKey");
        Map<String, String> both = storedTls("client");
        both.put("pkiPath", pki.directory().toString());
        assertRefused(register("tls-both", both), "credentials.pkiPath");
        assertRefused(register("tls-missing-dir", Map.of("type", "tls", "pkiPath", pki.directory().toString())),
                "credentials.pkiPath"); // no cacert.pem there: the PKI's files have other names
        assertRefused(JSON.writeValueAsString(Map.of("name", "ssh-on-tls", "uri", daemon.tlsUri(),
                "credentials", Map.of("type", "ssh-key", "keyPath", pki.file("client.key").toString()))),
                "credentials.type");
        assertRefused(JSON.writeValueAsString(Map.of("name", "ssh-kh", "uri", "qemu+ssh://root@kvm.example/system",
                "credentials", Map.of("type", "ssh-key", "privateKey", pki.pem("client.key"),
                        "knownHosts", "kvm.example ssh-ed25519 AAAA"))), "credentials.knownHosts");
        assertRefused(register("tls-kind", Map.of("type", "password")), "credentials.type");
    }

    @Test
    void certificatesInADirectoryOnTheServerAreUsedByPath() throws Exception {
        Path directory = Files.createDirectories(pki.directory().resolve("pkipath")); // deleted with the PKI
        Files.copy(pki.file("ca.pem"), directory.resolve("cacert.pem"));
        Files.copy(pki.file("client.pem"), directory.resolve("clientcert.pem"));
        Files.copy(pki.file("client.key"), directory.resolve("clientkey.pem"));
        String created = mvc.perform(api().post("/api/v1/hosts", register("tls-path",
                Map.of("type", "tls", "pkiPath", directory.toString())))).andReturn().getResponse()
                .getContentAsString();
        assertThat(JsonPath.<String>read(created, "$.credentials.path")).as(created).isEqualTo(directory.toString());
        long id = ((Number) JsonPath.read(created, "$.id")).longValue();
        awaitState(id, "CONNECTED");
        assertThat(jdbc.sql("SELECT secret IS NULL FROM host_credentials WHERE host_id = :id").param("id", id)
                .query(Boolean.class).single()).isTrue();
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    private long registered(String name) throws Exception {
        String created = mvc.perform(api().post("/api/v1/hosts", register(name, storedTls("client"))))
                .andReturn().getResponse().getContentAsString();
        long id = ((Number) JsonPath.read(created, "$.id")).longValue();
        awaitState(id, "CONNECTED");
        return id;
    }

    /** Connected, its one guest (the test driver's "test") in the inventory: libvirt took the credentials. */
    private String connectedWithItsGuest(long id) {
        String host = await().atMost(Duration.ofSeconds(15)).until(() -> api().getJson("/api/v1/hosts/" + id),
                body -> "CONNECTED".equals(JsonPath.read(body, "$.state"))
                        && ((Number) JsonPath.read(body, "$.guestCount")).intValue() == 1);
        assertThat(JsonPath.<List<String>>read(api().getJson("/api/v1/guests?host=" + id), "$.items[*].name"))
                .containsExactly("test");
        return host;
    }

    /** Everywhere a host's credentials could show: its JSON, the pages, the audit trail, the log, the database row. */
    private void assertNothingShowsAKey(long id, String created, String host, CapturedOutput output)
            throws Exception {
        for (String shown : List.of(created, host, api().getJson("/api/v1/hosts"), page("/hosts"),
                page("/hosts/" + id), audit(), api().getJson("/api/v1/audit?size=200"), page("/audit"),
                output.getAll(), credentialsRow(id))) {
            assertNoSecret(shown);
        }
    }

    private String credentialsRow(long id) {
        return jdbc.sql("SELECT row_to_json(c)::text FROM host_credentials c WHERE host_id = :id").param("id", id)
                .query(String.class).single();
    }

    private String awaitState(long id, String state) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> api().getJson("/api/v1/hosts/" + id),
                body -> state.equals(JsonPath.read(body, "$.state")));
    }

    private void assertRefused(String request, String field) throws Exception {
        String body = mvc.perform(api().post("/api/v1/hosts", request)).andReturn().getResponse().getContentAsString();
        assertThat(JsonPath.<Integer>read(body, "$.status")).as(body).isEqualTo(400);
        assertThat(JsonPath.<String>read(body, "$.field")).as(body).isEqualTo(field);
        assertNoSecret(body);
    }

    private Map<String, String> storedTls(String client) {
        Map<String, String> credentials = new LinkedHashMap<>();
        credentials.put("type", "tls");
        credentials.put("caCertificate", pki.pem("ca.pem"));
        credentials.put("clientCertificate", pki.pem(client + ".pem"));
        credentials.put("clientKey", pki.pem(client + ".key"));
        return credentials;
    }

    private String register(String name, Map<String, String> credentials) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("name", name);
        request.put("uri", daemon.tlsUri());
        if (credentials != null) {
            request.put("credentials", credentials);
        }
        return JSON.writeValueAsString(request);
    }

    /** A line from the middle of the client key: what would show if any part of it leaked. */
    private static String keyLine() {
        return pki.pem("client.key").lines().filter(line -> !line.startsWith("-----")).findFirst().orElseThrow();
    }

    /** No line of any client key, nor a piece of one (pages do name "PRIVATE KEY" in their placeholders). */
    private static void assertNoSecret(String shown) {
        for (String key : List.of(pki.pem("client.key"), pki.pem("rogue-client.key"), daemon.sshClientKey())) {
            key.lines().filter(line -> !line.startsWith("-----"))
                    .forEach(line -> assertThat(shown).doesNotContain(line.substring(0, Math.min(24, line.length()))));
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private String page(String path) throws Exception {
        var response = mvc.perform(get(path).with(user(Api.ADMIN).roles("ADMIN"))).andReturn().getResponse();
        assertThat(response.getStatus()).as(path).isEqualTo(200);
        return response.getContentAsString();
    }

    private String audit() {
        return String.join("\n", jdbc.sql("SELECT coalesce(detail, '') FROM audit_events").query(String.class).list());
    }

    private static List<Path> credentialDirectories() throws Exception {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(p -> p.getFileName().toString().startsWith("virtdeck-credentials-")).sorted()
                    .toList();
        }
    }
}

package io.virtdeck.alerts.targets;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import io.virtdeck.support.TestPki;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server on 127.0.0.1 for one test (SubEtha SMTP): STARTTLS required, TLS from the first byte, or plain;
 * with or without a user and password it requires. Its certificate is {@link TestPki}'s server certificate (for
 * 127.0.0.1), signed by TestPki's CA. It keeps every message it accepted, with who signed in to send it.
 */
final class TestSmtpServer implements AutoCloseable {

    /** A message as it arrived. */
    record Received(String from, String to, String identity, String data) {
    }

    private final SMTPServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private TestSmtpServer(AlertTarget.Security security, TestPki pki, String user, String password) throws Exception {
        SMTPServer.Builder builder = SMTPServer.port(0).bindAddress(java.net.InetAddress.getLoopbackAddress())
                .hostName("smtp.test").softwareName("TestSmtp")
                .messageHandler((context, from, to, data) -> received.add(new Received(from, to,
                        context.getAuthenticationHandler().map(h -> String.valueOf(h.getIdentity())).orElse(null),
                        new String(data, StandardCharsets.UTF_8))));
        if (user != null) {
            builder.requireAuth().authenticationHandlerFactory(new EasyAuthenticationHandlerFactory(
                    (name, given, context) -> {
                        if (!user.equals(name) || !password.equals(given)) {
                            throw new LoginFailedException("wrong user or password");
                        }
                    }));
        }
        if (security == AlertTarget.Security.STARTTLS) {
            builder.enableTLS().requireTLS().startTlsSocketFactory(tls(pki));
        } else if (security == AlertTarget.Security.TLS) {
            builder.serverSocketFactory(tls(pki));
        }
        server = builder.build();
        server.start();
    }

    /** A server of that security, requiring {@code user} and {@code password} (null user: no sign-in). */
    static TestSmtpServer start(AlertTarget.Security security, TestPki pki, String user, String password)
            throws Exception {
        return new TestSmtpServer(security, pki, user, password);
    }

    int port() {
        return server.getPortAllocated();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop();
    }

    private static SSLContext tls(TestPki pki) throws Exception {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        Certificate certificate = x509.generateCertificate(new ByteArrayInputStream(
                pki.pem("server.pem").getBytes(StandardCharsets.US_ASCII)));
        String key = pki.pem("server.key").replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey privateKey = KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(key)));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", privateKey, new char[0], new Certificate[] {certificate});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}

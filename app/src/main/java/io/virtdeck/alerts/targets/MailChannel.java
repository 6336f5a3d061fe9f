package io.virtdeck.alerts.targets;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Date;
import java.util.Properties;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends an alert as a plain-text mail over SMTP with Jakarta Mail: STARTTLS that must succeed, or TLS from the first
 * byte, or neither; the server's identity checked against its certificate; authentication when a user name is set.
 */
@Component
class MailChannel {

    private final JsonMapper json;

    MailChannel(JsonMapper json) {
        this.json = json;
    }

    /** Sends; returns the server's acceptance in plain words, or throws what went wrong in plain words. */
    String send(AlertTarget target, String password, OutgoingAlert alert, Duration timeout) throws DeliveryFailure {
        AlertTarget.Mail mail = target.mail();
        String where = target.where();
        boolean tls = mail.security() == AlertTarget.Security.TLS;
        String protocol = tls ? "smtps" : "smtp";
        Properties settings = new Properties();
        String prefix = "mail." + protocol + ".";
        settings.put(prefix + "host", mail.host());
        settings.put(prefix + "port", Integer.toString(mail.port()));
        settings.put(prefix + "connectiontimeout", Long.toString(timeout.toMillis()));
        settings.put(prefix + "timeout", Long.toString(timeout.toMillis()));
        settings.put(prefix + "writetimeout", Long.toString(timeout.toMillis()));
        settings.put(prefix + "auth", Boolean.toString(mail.username() != null));
        if (mail.security() == AlertTarget.Security.STARTTLS) {
            settings.put(prefix + "starttls.enable", "true");
            settings.put(prefix + "starttls.required", "true"); // never falls back to plain text
        }
        if (mail.security() != AlertTarget.Security.NONE) {
            settings.put(prefix + "ssl.checkserveridentity", "true");
            if (mail.caCertificate() != null) {
                settings.put(prefix + "ssl.socketFactory", trusting(mail.caCertificate()).getSocketFactory());
            }
        }
        Session session = Session.getInstance(settings);
        try (SMTPTransport transport = (SMTPTransport) session.getTransport(protocol)) {
            MimeMessage message = message(session, mail, alert);
            transport.connect(mail.host(), mail.port(), mail.username(), password);
            transport.sendMessage(message, message.getAllRecipients());
            return "the mail server accepted it (" + transport.getLastServerResponse().strip() + ")";
        } catch (AuthenticationFailedException e) {
            throw new DeliveryFailure("the mail server at " + where + " refused the user name or password"
                    + serverSaid(e));
        } catch (SMTPAddressFailedException e) {
            throw new DeliveryFailure("the mail server at " + where + " refused the address " + e.getAddress()
                    + " (" + e.getReturnCode() + " " + reply(e) + ")");
        } catch (SMTPSendFailedException e) {
            throw new DeliveryFailure("the mail server at " + where + " refused the message (" + e.getReturnCode()
                    + " " + reply(e) + ")");
        } catch (MessagingException e) {
            String network = NetworkTrouble.words(e, where, timeout);
            if (network != null) {
                throw new DeliveryFailure(network);
            }
            if (String.valueOf(e.getMessage()).contains("STARTTLS is required")) {
                throw new DeliveryFailure("the mail server at " + where + " does not offer STARTTLS: choose TLS or,"
                        + " on a trusted network only, no encryption");
            }
            throw new DeliveryFailure("the mail server at " + where + " could not be used: " + e.getMessage());
        }
    }

    private MimeMessage message(Session session, AlertTarget.Mail mail, OutgoingAlert alert) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(mail.from()));
        for (String to : mail.to()) {
            message.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
        }
        message.setSubject(alert.subject(), "UTF-8");
        message.setSentDate(new Date());
        message.setText(text(alert), "UTF-8");
        if (alert.deliveryId() != null) {
            message.setHeader("X-Virtdeck-Delivery", alert.deliveryId().toString());
        }
        return message;
    }

    /** The mail's text: the alert's own words, then its facts one a line. */
    String text(OutgoingAlert alert) {
        JsonNode message = json.readTree(alert.json());
        StringBuilder text = new StringBuilder(message.path("text").asString("")).append("\n\n");
        for (String[] line : new String[][] {{"Rule", "rule"}, {"Severity", "severity"}, {"State", "state"},
                {"Object", "object"}, {"At", "at"}}) {
            JsonNode value = message.get(line[1]);
            if (value != null && !value.isNull()) {
                text.append(line[0]).append(": ").append(value.asString()).append('\n');
            }
        }
        return text.append("\n-- \nSent by Virtdeck.\n").toString();
    }

    /** TLS that trusts the given certificate(s) (PEM) alone. */
    private static SSLContext trusting(String pem) {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                trusted.setCertificateEntry("ca-" + n++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            // checked when the target was saved: only a damaged row gets here
            throw new IllegalStateException("the target's certificate cannot be used: " + e.getMessage(), e);
        }
    }

    private static String serverSaid(AuthenticationFailedException e) {
        String said = e.getMessage();
        return said == null || said.isBlank() ? "" : " (" + said.strip() + ")";
    }

    private static String reply(MessagingException e) {
        String said = String.valueOf(e.getMessage()).strip();
        return said.matches("^\\d{3}\\b.*") ? said.substring(3).strip() : said;
    }
}

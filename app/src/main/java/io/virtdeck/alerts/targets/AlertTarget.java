package io.virtdeck.alerts.targets;

import java.util.List;

/**
 * A target as stored, without its secret (which only {@link AlertTargetRepository#secret} decrypts, for sending).
 *
 * @param mail its mail settings; null for a webhook
 * @param webhook its webhook settings; null for mail
 * @param secretSet whether a secret (the SMTP password, the webhook's signing key) is stored
 */
record AlertTarget(long id, String name, Kind kind, Mail mail, Webhook webhook, boolean secretSet) {

    enum Kind { MAIL, WEBHOOK }

    /** How the connection to the mail server is protected. */
    enum Security {
        /** plain connection upgraded with STARTTLS, which must succeed (usually port 587) */
        STARTTLS,
        /** TLS from the first byte (SMTPS, usually port 465) */
        TLS,
        /** no encryption (a relay on the local network, usually port 25) */
        NONE
    }

    /**
     * @param username null when the server takes mail without authentication
     * @param caCertificate a PEM certificate to trust for the server besides the JVM's own authorities (a private
     *                      CA, or the server's self-signed certificate); null for the JVM's alone
     */
    record Mail(String host, int port, Security security, String username, String from, List<String> to,
                String caCertificate) {
    }

    record Webhook(String url) {
    }

    /** Where it sends to, for messages: "smtp.example:587" or the webhook's URL. */
    String where() {
        return kind == Kind.MAIL ? mail.host() + ":" + mail.port() : webhook.url();
    }
}

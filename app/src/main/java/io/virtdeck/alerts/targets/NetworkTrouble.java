package io.virtdeck.alerts.targets;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertificateException;
import java.time.Duration;

import javax.net.ssl.SSLException;

/** A failed connection's cause in plain words, the same for mail servers and webhooks. */
final class NetworkTrouble {

    private NetworkTrouble() {
    }

    /**
     * What went wrong reaching {@code where} ("smtp.example:587"), from the first cause that says; null when no cause
     * is a network failure.
     */
    static String words(Throwable failure, String where, Duration timeout) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException && !(cause instanceof HttpConnectTimeoutException)) {
                return "connection refused by " + where;
            }
            if (cause instanceof UnknownHostException) {
                return "no such host: " + where + " (the name does not resolve)";
            }
            if (cause instanceof NoRouteToHostException) {
                return "no route to " + where;
            }
            if (cause instanceof SocketTimeoutException || cause instanceof HttpTimeoutException) {
                return "no answer from " + where + " within " + timeout.toSeconds() + " s";
            }
            if (cause instanceof CertificateException || (cause instanceof SSLException
                    && String.valueOf(cause.getMessage()).contains("PKIX"))) {
                return "the certificate of " + where + " is not trusted (give its certificate authority on the"
                        + " target's form)";
            }
            if (cause instanceof SSLException) {
                return "the TLS handshake with " + where + " failed: " + cause.getMessage();
            }
        }
        return null;
    }
}

package io.virtdeck.inventory;

/**
 * Credentials given for a host (REST: {@code "credentials"} of POST /api/v1/hosts, PUT /api/v1/hosts/{id}/credentials;
 * the same fields on the pages). {@code type} is {@code ssh-key} or {@code tls}; each part is given either as a path
 * on the Virtdeck server or as PEM text that Virtdeck stores encrypted. {@code toString} never shows the text.
 */
public record HostCredentialsRequest(
        String type,
        String keyPath,
        String privateKey,
        String knownHostsPath,
        String knownHosts,
        String pkiPath,
        String caCertificate,
        String clientCertificate,
        String clientKey) {

    public static final String SSH_KEY = "ssh-key";
    public static final String TLS = "tls";

    /** True when nothing was filled in (a page form left on "none"). */
    boolean isEmpty() {
        return blank(type) || "none".equals(type);
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    @Override
    public String toString() {
        return "HostCredentialsRequest[type=" + type + ", keyPath=" + keyPath + ", knownHostsPath=" + knownHostsPath
                + ", pkiPath=" + pkiPath + ", material hidden]";
    }
}

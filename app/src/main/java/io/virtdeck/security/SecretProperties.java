package io.virtdeck.security;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The key that encrypts the secrets Virtdeck stores (README: Configuration, "Secrets").
 *
 * @param key base64 of 16, 24 or 32 random bytes (VIRTDECK_SECRET_KEY); when blank, the key file is used
 * @param keyFile where the key is kept when none is configured: made (0600, 32 random bytes) at first use
 */
@ConfigurationProperties("virtdeck.secrets")
public record SecretProperties(@DefaultValue("") String key, Path keyFile) {

    @Override
    public String toString() {
        return "SecretProperties[key=" + (key.isBlank() ? "(none)" : "(set)") + ", keyFile=" + keyFile + "]";
    }
}

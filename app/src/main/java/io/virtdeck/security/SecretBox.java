package io.virtdeck.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Component;

/**
 * Encrypts the secrets Virtdeck stores in PostgreSQL (hosts' private keys) with AES-GCM under the configured key, or
 * under a key file made in the data directory at first use. Each secret is bound to what it belongs to (the
 * associated data, e.g. "host:12"), so a row copied onto another object does not decrypt. Every Virtdeck instance on
 * one database must have the same key.
 */
@Component
public class SecretBox {

    private static final byte FORMAT = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretProperties properties;
    private final SecureRandom random = new SecureRandom();
    private volatile SecretKey key;

    public SecretBox(SecretProperties properties) {
        this.properties = properties;
    }

    /** Thrown when a secret cannot be decrypted (another key, or a damaged value); never carries the secret. */
    public static final class UnreadableSecret extends RuntimeException {
        UnreadableSecret(String message) {
            super(message);
        }
    }

    public byte[] encrypt(byte[] plain, String boundTo) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(FORMAT).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    public byte[] decrypt(byte[] box, String boundTo) {
        if (box == null || box.length < 1 + NONCE_BYTES + TAG_BITS / 8 || box[0] != FORMAT) {
            throw new UnreadableSecret("the stored secret is damaged (not in Virtdeck's format)");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, box, 1, NONCE_BYTES));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(box, 1 + NONCE_BYTES, box.length - 1 - NONCE_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new UnreadableSecret("the stored secret cannot be decrypted with this instance's secret key ("
                    + keySource() + "): it was stored under another key, or it is damaged");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    /** Where the key comes from, for messages: never the key itself. */
    public String keySource() {
        return properties.key().isBlank() ? "key file " + properties.keyFile() : "VIRTDECK_SECRET_KEY";
    }

    private SecretKey key() {
        SecretKey current = key;
        if (current == null) {
            synchronized (this) {
                if (key == null) {
                    key = new SecretKeySpec(properties.key().isBlank() ? keyFromFile() : configuredKey(), "AES");
                }
                current = key;
            }
        }
        return current;
    }

    private byte[] configuredKey() {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(properties.key().strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("VIRTDECK_SECRET_KEY is not base64 (make one with: head -c 32 "
                    + "/dev/urandom | base64)");
        }
        if (bytes.length != 16 && bytes.length != 24 && bytes.length != 32) {
            throw new IllegalStateException("VIRTDECK_SECRET_KEY must be 16, 24 or 32 bytes in base64, not "
                    + bytes.length + " (make one with: head -c 32 /dev/urandom | base64)");
        }
        return bytes;
    }

    /** Reads the key file, or makes it (0600) when there is none yet; another instance may make it meanwhile. */
    private byte[] keyFromFile() {
        Path file = properties.keyFile();
        if (file == null) {
            throw new IllegalStateException("neither VIRTDECK_SECRET_KEY nor a secret key file is configured");
        }
        try {
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                random.nextBytes(fresh);
                Path directory = Files.createDirectories(file.toAbsolutePath().getParent());
                Path draft = Files.createTempFile(directory, ".secret-key-", "",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try {
                    Files.writeString(draft, Base64.getEncoder().encodeToString(fresh) + "\n");
                    // a link appears whole or not at all: an instance sharing the data directory never reads half a key
                    Files.createLink(file, draft);
                    return fresh;
                } catch (FileAlreadyExistsException raced) {
                    // made by another instance meanwhile: use that one
                } finally {
                    Files.deleteIfExists(draft);
                }
            }
            byte[] bytes = Base64.getDecoder().decode(Files.readString(file).strip());
            if (bytes.length != 32) {
                throw new IllegalStateException("the secret key file " + file + " does not hold 32 bytes in base64");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or make the secret key file " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the secret key file " + file + " is not base64");
        }
    }
}

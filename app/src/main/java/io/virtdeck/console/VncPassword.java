package io.virtdeck.console;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * VNC authentication (RFB security type 2): the server's 16-byte challenge encrypted with DES under the password. VNC
 * uses at most 8 password bytes and reverses the bits of each key byte, a quirk every VNC implementation shares.
 */
final class VncPassword {

    private static final SecureRandom RANDOM = new SecureRandom();

    private VncPassword() {
    }

    /** A fresh password that uses all 8 bytes VNC keeps (printable, as libvirt's XML wants). */
    static String random() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] respond(String password, byte[] challenge) {
        byte[] key = new byte[8];
        byte[] chars = password.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int i = 0; i < key.length && i < chars.length; i++) {
            key[i] = (byte) (Integer.reverse(chars[i] & 0xff) >>> 24);
        }
        try {
            Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
            des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
            return des.doFinal(challenge);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DES is part of every Java runtime", e);
        }
    }
}

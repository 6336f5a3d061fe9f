package io.virtdeck.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * HTTP Basic checks the password on every REST call, and bcrypt is slow on purpose: at fleet size, with a few clients
 * at once on two cores, it was most of a call's time (docs/benchmarks.md). A password that matched its stored hash is
 * remembered for a few minutes as a keyed digest (HMAC-SHA-256 under a key made at start and never stored) of the
 * stored hash and the password, so the same pair matches again without bcrypt. A failed check is never remembered,
 * and a changed password has a new stored hash, so the old one no longer matches; whether the user may log in at all
 * (enabled, roles) is still read from the database on every call.
 */
final class RememberedPasswords implements PasswordEncoder {

    private static final long KEEP_NANOS = 5L * 60 * 1_000_000_000;
    /** Enough for every user and token of a large site; past it the memory starts over. */
    private static final int MAX_REMEMBERED = 10_000;

    private final PasswordEncoder delegate;
    private final SecretKeySpec key;
    private final Map<String, Long> verifiedUntil = new ConcurrentHashMap<>();

    RememberedPasswords(PasswordEncoder delegate) {
        this.delegate = delegate;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    @Override
    public String encode(CharSequence rawPassword) {
        return delegate.encode(rawPassword);
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        if (rawPassword == null || encodedPassword == null) {
            return delegate.matches(rawPassword, encodedPassword);
        }
        String pair = digest(encodedPassword, rawPassword);
        long now = System.nanoTime();
        Long until = verifiedUntil.get(pair);
        if (until != null && until - now > 0) {
            return true;
        }
        boolean matches = delegate.matches(rawPassword, encodedPassword);
        if (matches) {
            if (verifiedUntil.size() >= MAX_REMEMBERED) {
                verifiedUntil.clear();
            }
            verifiedUntil.put(pair, now + KEEP_NANOS);
        }
        return matches;
    }

    @Override
    public boolean upgradeEncoding(String encodedPassword) {
        return delegate.upgradeEncoding(encodedPassword);
    }

    private String digest(String encodedPassword, CharSequence rawPassword) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(encodedPassword.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0); // a bcrypt hash holds no NUL: the two parts cannot run into each other
            mac.update(rawPassword.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}

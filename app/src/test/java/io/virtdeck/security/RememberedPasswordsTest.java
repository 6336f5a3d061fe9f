package io.virtdeck.security;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;

class RememberedPasswordsTest {

    /** bcrypt, counting how often it really checks a password. */
    private static final class CountingEncoder implements PasswordEncoder {
        final PasswordEncoder bcrypt = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        final AtomicInteger checks = new AtomicInteger();

        @Override
        public String encode(CharSequence raw) {
            return bcrypt.encode(raw);
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            checks.incrementAndGet();
            return bcrypt.matches(raw, encoded);
        }
    }

    private final CountingEncoder bcrypt = new CountingEncoder();
    private final RememberedPasswords passwords = new RememberedPasswords(bcrypt);

    @Test
    void aPasswordThatMatchedMatchesAgainWithoutBcrypt() {
        String stored = passwords.encode("s3cret");
        assertThat(passwords.matches("s3cret", stored)).isTrue();
        assertThat(passwords.matches("s3cret", stored)).isTrue();
        assertThat(passwords.matches("s3cret", stored)).isTrue();
        assertThat(bcrypt.checks).hasValue(1);
    }

    @Test
    void aWrongPasswordIsCheckedEveryTimeAndNeverMatches() {
        String stored = passwords.encode("s3cret");
        assertThat(passwords.matches("s3cret", stored)).isTrue();
        assertThat(passwords.matches("guess", stored)).isFalse();
        assertThat(passwords.matches("guess", stored)).isFalse();
        assertThat(bcrypt.checks).hasValue(3);
    }

    @Test
    void aChangedPasswordHasANewHashSoTheOldPasswordIsCheckedAgainAndFails() {
        String before = passwords.encode("old-pw");
        assertThat(passwords.matches("old-pw", before)).isTrue();
        String after = passwords.encode("new-pw");
        assertThat(passwords.matches("old-pw", after)).isFalse();
        assertThat(passwords.matches("new-pw", after)).isTrue();
        assertThat(bcrypt.checks).hasValue(3);
    }
}

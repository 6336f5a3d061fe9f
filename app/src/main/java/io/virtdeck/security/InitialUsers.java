package io.virtdeck.security;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import io.virtdeck.core.Role;

/** Creates users that Virtdeck needs before anyone can log in: the first admin, and the demo's users. */
@Component
public class InitialUsers {

    private static final Logger log = LoggerFactory.getLogger(InitialUsers.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UserAccountRepository users;
    private final PasswordEncoder passwordEncoder;

    public InitialUsers(UserAccountRepository users, PasswordEncoder passwordEncoder) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
    }

    /**
     * Creates each named user that does not exist yet with the given password, or with a random one that is printed
     * once in the log (it cannot be read back later: only its hash is stored).
     */
    public void ensure(String configuredPassword, String settingName, UserSpec... specs) {
        boolean random = configuredPassword == null || configuredPassword.isBlank();
        String password = random ? randomPassword() : configuredPassword;
        List<String> created = new ArrayList<>();
        for (UserSpec spec : specs) {
            if (users.createIfAbsent(spec.username(), passwordEncoder.encode(password), spec.role())) {
                created.add("'" + spec.username() + "' (" + spec.role() + ")");
            }
        }
        if (created.isEmpty()) {
            return;
        }
        if (random) {
            log.warn("\n\n    Created {} with password: {}\n    It is shown only this once; set {} to choose it.\n",
                    String.join(", ", created), password, settingName);
        } else {
            log.info("created {} with the password from {}", String.join(", ", created), settingName);
        }
    }

    public record UserSpec(String username, Role role) {
    }

    private static String randomPassword() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

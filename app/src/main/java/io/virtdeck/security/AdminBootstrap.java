package io.virtdeck.security;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import io.virtdeck.VirtdeckProperties;
import io.virtdeck.core.Role;

/** On first start, creates the {@code admin} user (password from VIRTDECK_ADMIN_PASSWORD, else random and printed). */
@Component
@Order(0)
class AdminBootstrap implements ApplicationRunner {

    private final InitialUsers initialUsers;
    private final VirtdeckProperties properties;

    AdminBootstrap(InitialUsers initialUsers, VirtdeckProperties properties) {
        this.initialUsers = initialUsers;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        initialUsers.ensure(properties.adminPassword(), "VIRTDECK_ADMIN_PASSWORD",
                new InitialUsers.UserSpec("admin", Role.ADMIN));
    }
}

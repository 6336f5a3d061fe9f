package io.virtdeck.demo;

import java.io.IOException;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import io.virtdeck.VirtdeckProperties;
import io.virtdeck.core.Role;
import io.virtdeck.hypervisor.testdriver.SimulatedFleet;
import io.virtdeck.inventory.HostRegistry;
import io.virtdeck.security.InitialUsers;
import io.virtdeck.security.InitialUsers.UserSpec;

/**
 * VIRTDECK_DEMO=simulated: three hosts backed by libvirt's test driver, each from its own generated host file under
 * the data directory, and one user per role besides admin, so a newcomer has a fleet to click through.
 * VIRTDECK_DEMO_HOSTS (with VIRTDECK_DEMO_GUESTS_PER_HOST, 50 by default) makes it a fleet of that size instead,
 * for "show me big".
 */
@Component
@Order(2)
class DemoSetup implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoSetup.class);

    private final VirtdeckProperties properties;
    private final HostRegistry registry;
    private final InitialUsers initialUsers;

    DemoSetup(VirtdeckProperties properties, HostRegistry registry, InitialUsers initialUsers) {
        this.properties = properties;
        this.registry = registry;
        this.initialUsers = initialUsers;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        if (!properties.demo().simulated()) {
            return;
        }
        Path dir = properties.dataDir().resolve("demo");
        VirtdeckProperties.Demo demo = properties.demo();
        SimulatedFleet fleet = demo.hosts() > 0
                ? SimulatedFleet.of(SimulatedFleet.DEMO_SEED, demo.hosts(), demo.guestsPerHost())
                : SimulatedFleet.demo();
        for (SimulatedFleet.SimulatedHostFile host : fleet.writeTo(dir)) {
            registry.addIfUnknown(host.hostName(), host.uri());
        }
        initialUsers.ensure(properties.demo().password(), "VIRTDECK_DEMO_PASSWORD",
                new UserSpec("operator", Role.OPERATOR), new UserSpec("helpdesk", Role.HELPDESK),
                new UserSpec("viewer", Role.VIEWER));
        log.info("demo: {} simulated hosts from {}; users operator, helpdesk and viewer", fleet.hosts().size(), dir);
    }
}

package io.virtdeck.inventory;

import java.time.Duration;
import java.util.List;

import io.virtdeck.VirtdeckProperties;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.cluster.HostLeases;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.DefaultApplicationArguments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** VIRTDECK_BOOTSTRAP_HOSTS: hosts registered at start if not yet known, bad entries skipped. */
@VirtdeckIntegrationTest
class HostRegistryTest {

    @Autowired
    HostRepository hosts;
    @Autowired
    HostLeases leases;
    @Autowired
    AuditLog audit;

    @Test
    void bootstrapHostsAreRegisteredOnceAndMalformedEntriesSkipped() {
        String first = TestHosts.smallHost();
        String second = TestHosts.smallHost();
        String setting = "boot-1=" + first + ", boot-2=" + second + ",not-a-pair, ";

        start(setting);
        start(setting); // a restart registers nothing twice

        List<Host> booted = hosts.findAll().stream().filter(h -> h.name().startsWith("boot-")).toList();
        assertThat(booted).extracting(Host::name).containsExactly("boot-1", "boot-2");
        assertThat(booted).extracting(Host::uri).containsExactly(first, second);
        await().atMost(Duration.ofSeconds(10)).until(
                () -> hosts.findById(booted.get(0).id()).orElseThrow().state(), HostState.CONNECTED::equals);
    }

    private void start(String bootstrapHosts) {
        VirtdeckProperties properties = new VirtdeckProperties(java.nio.file.Path.of("/tmp"), "", bootstrapHosts,
                Duration.ofSeconds(30), 100, new VirtdeckProperties.Demo("off", "", 0, 50), new VirtdeckProperties.Bulk(16, 4));
        new HostRegistry(hosts, leases, audit, properties).run(new DefaultApplicationArguments());
    }
}

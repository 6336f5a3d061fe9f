package io.virtdeck.console;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The warm-up finds the classes of every package it names: a package renamed by an upgrade would go unwarmed. */
class ConsoleWarmUpTest {

    @Test
    void everyPackageOfTheConsolesWebSocketIsFoundAndLoaded() {
        Map<String, Integer> loaded = new ConsoleWarmUp().warmUp();

        assertThat(loaded).hasSize(ConsoleWarmUp.PACKAGES.size())
                .allSatisfy((pkg, classes) -> assertThat(classes).as(pkg).isGreaterThan(1));
        // the servlet container's WebSocket, whose jar lists no folders: found through one of its classes
        assertThat(loaded.get("org/apache/tomcat/websocket/")).isGreaterThan(50);
    }
}

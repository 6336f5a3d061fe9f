package io.virtdeck;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Virtdeck's own settings (README: Configuration).
 *
 * @param dataDir where the embedded database and demo files live
 * @param adminPassword the first admin's password; random (and printed once) when blank
 * @param bootstrapHosts {@code name=uri,name=uri}: hosts registered at start if not yet known
 * @param reconcileInterval how often every host's domains are compared with the inventory, behind the events
 * @param hostFilterChoices hosts the guest list's host filter lists at the most; past them it asks for a name
 */
@ConfigurationProperties("virtdeck")
public record VirtdeckProperties(
        Path dataDir,
        @DefaultValue("") String adminPassword,
        @DefaultValue("") String bootstrapHosts,
        @DefaultValue("30s") Duration reconcileInterval,
        @DefaultValue("100") int hostFilterChoices,
        @DefaultValue Demo demo) {

    /**
     * @param mode {@code simulated} or {@code off}
     * @param hosts simulated hosts; 0 keeps the three-host demo fleet
     * @param guestsPerHost guests on each simulated host when {@code hosts} is set
     */
    public record Demo(@DefaultValue("off") String mode, @DefaultValue("") String password,
                       @DefaultValue("0") int hosts, @DefaultValue("50") int guestsPerHost) {

        public boolean simulated() {
            return "simulated".equalsIgnoreCase(mode);
        }
    }
}

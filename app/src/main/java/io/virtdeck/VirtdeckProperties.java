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
 * @param bulk how many guests a bulk action acts on at once
 */
@ConfigurationProperties("virtdeck")
public record VirtdeckProperties(
        Path dataDir,
        @DefaultValue("") String adminPassword,
        @DefaultValue("") String bootstrapHosts,
        @DefaultValue("30s") Duration reconcileInterval,
        @DefaultValue("100") int hostFilterChoices,
        @DefaultValue Demo demo,
        @DefaultValue Bulk bulk) {

    /**
     * Bulk actions on guests (bulk/): how many guests' actions run at once, over all bulk actions of this
     * instance, and at most on one host, so that a thousand power-offs do not queue up on one libvirtd.
     *
     * @param maxParallel guests acted on at once in all
     * @param maxParallelPerHost guests acted on at once on one host
     */
    public record Bulk(@DefaultValue("16") int maxParallel, @DefaultValue("4") int maxParallelPerHost) {

        public Bulk {
            if (maxParallel < 1 || maxParallelPerHost < 1) {
                throw new IllegalArgumentException("virtdeck.bulk.max-parallel and max-parallel-per-host are at"
                        + " least 1");
            }
        }
    }

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

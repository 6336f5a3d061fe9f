package io.virtdeck.guest.cloudinit;

import java.util.UUID;

/**
 * Checked settings ready to be written as a seed: the settings, the password's crypt hash (null for none) and the
 * instance id the seed will carry (new for every seed, so that cloud-init in the guest applies it).
 */
public record CloudInitPlan(CloudInitSettings settings, String passwordHash, String instanceId) {

    static CloudInitPlan of(CloudInitSettings settings, String passwordHash) {
        return new CloudInitPlan(settings, passwordHash, "virtdeck-" + UUID.randomUUID());
    }

    /** How the audit trail and the task name it: never the password or its hash. */
    public String describe() {
        StringBuilder text = new StringBuilder("cloud-init: hostname " + settings.hostname());
        if (settings.user() != null) {
            text.append(", user ").append(settings.user()).append(" (").append(settings.sshKeys().size())
                    .append(" SSH key(s)").append(passwordHash != null ? ", a password" : "").append(')');
        }
        long statics = settings.nics().stream().filter(nic -> !nic.dhcp()).count();
        if (statics > 0) {
            text.append(", ").append(statics).append(" static address(es)");
        }
        if (settings.userData() != null) {
            text.append(", user-data");
        }
        return text.toString();
    }
}

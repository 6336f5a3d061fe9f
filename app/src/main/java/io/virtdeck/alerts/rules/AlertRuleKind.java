package io.virtdeck.alerts.rules;

import java.util.List;

/**
 * What a rule watches. A condition holds for a while (a host lost until it is back): it fires when it begins, repeats
 * while it lasts, and sends a resolved message when it clears. An event happens once (a task failed): it fires once
 * and is closed by acknowledging it.
 */
public enum AlertRuleKind {

    HOST_LOST("Host lost", "a host does not answer; resolved when it is back", false),
    GUEST_CRASHED("Guest crashed", "a guest is in the crashed state; resolved when it leaves it", false),
    POOL_ABOVE("Pool fuller than a percentage", "a storage pool's allocation is at or above the percentage", false,
            Parameter.PERCENT),
    POOL_FULL_WITHIN("Pool forecast full within days",
            "a storage pool's trend says it is full within the number of days", false, Parameter.DAYS),
    MEMORY_OVERCOMMIT("Host memory overcommitted",
            "the memory of a host's running guests over the host's memory is above the ratio", false, Parameter.RATIO),
    VCPU_OVERCOMMIT("Host vCPUs overcommitted",
            "the vCPUs of a host's running guests over the host's CPUs are above the ratio", false, Parameter.RATIO),
    HA_RESTART_IMPOSSIBLE("HA restart impossible",
            "an HA guest of a lost host waits for its restart and Virtdeck says why it cannot restart it", false),
    BACKUP_MISSED("Backup missed its schedule",
            "a scheduled backup has not started this many minutes after it was due", false, Parameter.MINUTES),
    GUEST_CHANGED_OUTSIDE("Guest changed outside Virtdeck",
            "libvirt reported a change Virtdeck did not ask for (virsh, the guest itself)", true),
    TASK_FAILED("Task failed", "a task of the type failed", true, Parameter.TASK_TYPE),
    HA_RESTART_DONE("HA restart done", "an HA guest was restarted on another host", true),
    BACKUP_FAILED("Backup failed",
            "a guest's backup began and did not complete, or a scheduled backup was refused", true),
    CONSOLE_OPENED("Console opened", "someone opened the console of the named guest", true, Parameter.GUEST);

    /** A kind's setting, as the API and the form name it. */
    public enum Parameter {
        PERCENT("percent", "percent, 1 to 100: the pool's allocation that fires it"),
        DAYS("days", "days, 1 to 3650: how soon the forecast full date must be"),
        RATIO("ratio", "ratio above 0, such as 1.5: allocated over what the host has"),
        MINUTES("minutes", "minutes, 1 to 10080: how late a scheduled backup may start"),
        TASK_TYPE("taskType", "taskType: the task's type, such as guest.migrate or backup.run"),
        GUEST("guest", "guest: the guest's name, as Virtdeck shows it");

        private final String field;
        private final String hint;

        Parameter(String field, String hint) {
            this.field = field;
            this.hint = hint;
        }

        public String field() {
            return field;
        }

        public String hint() {
            return hint;
        }
    }

    private final String label;
    private final String meaning;
    private final boolean event;
    private final List<Parameter> parameters;

    AlertRuleKind(String label, String meaning, boolean event, Parameter... parameters) {
        this.label = label;
        this.meaning = meaning;
        this.event = event;
        this.parameters = List.of(parameters);
    }

    public String label() {
        return label;
    }

    public String meaning() {
        return meaning;
    }

    public boolean event() {
        return event;
    }

    public List<Parameter> parameters() {
        return parameters;
    }
}

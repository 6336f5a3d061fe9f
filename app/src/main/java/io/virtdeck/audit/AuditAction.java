package io.virtdeck.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every action the audit log records, in one catalogue: its code (what the {@code action} column holds, and a task's
 * type for the long ones), the family the audit page groups it under, and what an entry of it means. A new action is
 * added here; docs/audit.md lists these and a test keeps it in step.
 */
public enum AuditAction {

    GUEST_CREATE("guest.create", Family.GUESTS, "a guest defined from the wizard or the API"),
    GUEST_CLONE("guest.clone", Family.GUESTS, "a guest copied from another guest or a template (a task)"),
    GUEST_MIGRATE("guest.migrate", Family.GUESTS, "a guest moved to another host (a task)"),
    GUEST_BULK("guest.bulk", Family.GUESTS, "one action on many selected guests (a task, a child task per guest)"),
    GUEST_DELETE("guest.delete", Family.GUESTS, "a guest's definition deleted, with or without its volumes"),
    GUEST_START("guest.start", Family.GUESTS, "a guest started, or restored from its saved memory"),
    GUEST_SHUTDOWN("guest.shutdown", Family.GUESTS, "a guest asked to shut down (ACPI)"),
    GUEST_POWEROFF("guest.poweroff", Family.GUESTS, "a guest powered off at once"),
    GUEST_REBOOT("guest.reboot", Family.GUESTS, "a guest asked to reboot"),
    GUEST_RESET("guest.reset", Family.GUESTS, "a guest reset, as with the reset button"),
    GUEST_SUSPEND("guest.suspend", Family.GUESTS, "a guest paused"),
    GUEST_RESUME("guest.resume", Family.GUESTS, "a paused guest resumed"),
    GUEST_SAVE("guest.save", Family.GUESTS, "a guest hibernated: its memory saved on the host"),
    GUEST_DISCARD_SAVE("guest.discard-save", Family.GUESTS, "a hibernated guest's saved memory deleted"),
    GUEST_CONFIGURE("guest.configure", Family.GUESTS, "a guest's CPUs, memory, limits or boot settings changed"),
    GUEST_DISK_ADD("guest.disk.add", Family.GUESTS, "a disk attached to a guest"),
    GUEST_DISK_REMOVE("guest.disk.remove", Family.GUESTS, "a disk detached from a guest"),
    GUEST_DISK_GROW("guest.disk.grow", Family.GUESTS, "a guest's disk made larger, running or shut off"),
    GUEST_DISK_MOVE("guest.disk.move", Family.GUESTS,
            "a running guest's disk copied to a volume in another pool, which it then uses"),
    GUEST_CDROM_INSERT("guest.cdrom.insert", Family.GUESTS, "an image put into a guest's CD-ROM drive"),
    GUEST_CDROM_EJECT("guest.cdrom.eject", Family.GUESTS, "the image in a guest's CD-ROM drive taken out"),
    GUEST_NIC_ADD("guest.nic.add", Family.GUESTS, "a network interface attached to a guest"),
    GUEST_NIC_REMOVE("guest.nic.remove", Family.GUESTS, "a network interface detached from a guest"),
    GUEST_SNAPSHOT_CREATE("guest.snapshot.create", Family.GUESTS, "a snapshot of a guest taken"),
    GUEST_SNAPSHOT_DELETE("guest.snapshot.delete", Family.GUESTS, "a guest's snapshot deleted"),
    GUEST_SNAPSHOT_REVERT("guest.snapshot.revert", Family.GUESTS, "a guest reverted to a snapshot"),
    GUEST_TEMPLATE_MARK("guest.template.mark", Family.GUESTS, "a guest marked as a template"),
    GUEST_TEMPLATE_UNMARK("guest.template.unmark", Family.GUESTS, "a template made an ordinary guest again"),
    GUEST_CLOUD_INIT("guest.cloud-init", Family.GUESTS, "a guest's cloud-init settings changed: a new seed written"),
    GUEST_HA("guest.ha", Family.GUESTS, "a guest's high availability turned on or off, or its restart priority set"),
    GUEST_HA_RESTART("guest.ha.restart", Family.GUESTS,
            "a guest restarted on another host after its own was lost, or held back while its disks were held (a task)"),
    ANTI_AFFINITY_SET("guest.anti-affinity.set", Family.GUESTS,
            "an anti-affinity group made or changed: guests that never run on one host together"),
    ANTI_AFFINITY_DELETE("guest.anti-affinity.delete", Family.GUESTS, "an anti-affinity group removed"),
    GUEST_TAGS("guest.tags", Family.GUESTS, "a guest's tags set, added or removed (Virtdeck's own, not libvirt's)"),
    GUEST_CHANGED_OUTSIDE("guest.changed-outside", Family.GUESTS,
            "seen, not done: a guest changed by something other than Virtdeck (virsh, the guest itself)"),

    HOST_REGISTER("host.register", Family.HOSTS, "a host added to the inventory (through the API or configuration)"),
    HOST_REMOVE("host.remove", Family.HOSTS, "a host removed from the inventory"),
    HOST_CREDENTIALS_REPLACE("host.credentials.replace", Family.HOSTS, "a host's connection secrets replaced"),
    HOST_CREDENTIALS_REMOVE("host.credentials.remove", Family.HOSTS, "a host's connection secrets removed"),
    HOST_CONFIRM_DOWN("host.confirm-down", Family.HOSTS,
            "an administrator's word that a host that does not answer is down: its HA guests restart without the grace"),
    HOST_MAINTENANCE("host.maintenance", Family.HOSTS, "a host put into maintenance (its guests evacuated) or back"),
    HOST_TAGS("host.tags", Family.HOSTS, "a host's tags set, added or removed (Virtdeck's own, not libvirt's)"),
    HOST_LOST("host.lost", Family.HOSTS, "seen, not done: the connection to a host lost"),
    HOST_BACK("host.back", Family.HOSTS, "seen, not done: the connection to a host re-established"),

    POOL_CREATE("pool.create", Family.STORAGE, "a storage pool defined and started"),
    POOL_DELETE("pool.delete", Family.STORAGE, "a storage pool stopped and undefined"),
    POOL_BUILD("pool.build", Family.STORAGE, "a storage pool built (its directory or file system made)"),
    POOL_START("pool.start", Family.STORAGE, "a storage pool started"),
    POOL_STOP("pool.stop", Family.STORAGE, "a storage pool stopped"),
    POOL_REFRESH("pool.refresh", Family.STORAGE, "a storage pool's volumes read again"),
    POOL_AUTOSTART_ON("pool.autostart.on", Family.STORAGE, "a storage pool set to start with its host"),
    POOL_AUTOSTART_OFF("pool.autostart.off", Family.STORAGE, "a storage pool no longer started with its host"),
    VOLUME_CREATE("volume.create", Family.STORAGE, "a volume made in a pool"),
    VOLUME_RESIZE("volume.resize", Family.STORAGE, "a volume grown"),
    VOLUME_CLONE("volume.clone", Family.STORAGE, "a volume copied within its pool"),
    VOLUME_DELETE("volume.delete", Family.STORAGE, "a volume deleted"),
    VOLUME_UPLOAD("volume.upload", Family.STORAGE, "a file uploaded into a volume"),
    VOLUME_DOWNLOAD("volume.download", Family.STORAGE, "a volume's content downloaded"),
    IMAGE_STAGE("image.stage", Family.STORAGE, "a disk image (OVA, VMDK, qcow2...) uploaded for import"),
    IMAGE_IMPORT("image.import", Family.STORAGE, "a staged image converted into a new guest (a task)"),
    IMAGE_DISCARD("image.discard", Family.STORAGE, "a staged image deleted without importing it"),

    NETWORK_CREATE("network.create", Family.NETWORKS, "a virtual network defined and started"),
    NETWORK_DELETE("network.delete", Family.NETWORKS, "a virtual network stopped and undefined"),
    NETWORK_START("network.start", Family.NETWORKS, "a virtual network started"),
    NETWORK_STOP("network.stop", Family.NETWORKS, "a virtual network stopped"),
    NETWORK_AUTOSTART("network.autostart", Family.NETWORKS,
            "a virtual network's start with its host switched on or off"),
    NETWORK_DHCP_HOST_ADD("network.dhcp-host.add", Family.NETWORKS, "a fixed DHCP address given to a MAC address"),
    NETWORK_DHCP_HOST_REMOVE("network.dhcp-host.remove", Family.NETWORKS, "a fixed DHCP address taken back"),

    BACKUP_STORE_CREATE("backup.store.create", Family.BACKUPS, "a storage pool of a host registered as a backup store"),
    BACKUP_STORE_RENAME("backup.store.rename", Family.BACKUPS, "a backup store renamed (its pool and backups stay)"),
    BACKUP_STORE_DELETE("backup.store.delete", Family.BACKUPS,
            "a backup store no longer used (its catalogue forgotten, its files left in the pool)"),
    BACKUP_JOB_CREATE("backup.job.create", Family.BACKUPS, "a scheduled backup made, with its retention"),
    BACKUP_JOB_UPDATE("backup.job.update", Family.BACKUPS,
            "a scheduled backup changed: what it backs up, where, when, its retention or verification"),
    BACKUP_JOB_DELETE("backup.job.delete", Family.BACKUPS, "a scheduled backup deleted (its backups stay)"),
    BACKUP_RUN("backup.run", Family.BACKUPS, "a guest backed up, in full or incrementally (a task)"),
    BACKUP_RESTORE("backup.restore", Family.BACKUPS, "a backup restored as a new guest or over its guest (a task)"),
    BACKUP_VERIFY("backup.verify", Family.BACKUPS,
            "a backup restored into a temporary guest on an isolated network, booted and checked (a task)"),

    ALERT_TARGET_CREATE("alert.target.create", Family.ALERTS, "an alert target made: a mail server or a webhook"),
    ALERT_TARGET_UPDATE("alert.target.update", Family.ALERTS,
            "an alert target changed: its name, where it sends, or its secret"),
    ALERT_TARGET_DELETE("alert.target.delete", Family.ALERTS, "an alert target deleted, with its deliveries"),
    ALERT_TARGET_TEST("alert.target.test", Family.ALERTS,
            "a test message sent to an alert target, with what the receiver answered"),
    ALERT_DELIVERY_FAILED("alert.delivery.failed", Family.ALERTS,
            "seen, not done: an alert given up after its last attempt to reach its target, with the last error"),
    ALERT_RULE_CREATE("alert.rule.create", Family.ALERTS,
            "an alert rule made: what it watches, how serious it is, its targets and repeat"),
    ALERT_RULE_UPDATE("alert.rule.update", Family.ALERTS, "an alert rule changed, enabled or disabled"),
    ALERT_RULE_DELETE("alert.rule.delete", Family.ALERTS,
            "an alert rule deleted (its alerts stay in the history, those firing are closed)"),
    ALERT_ACKNOWLEDGE("alert.acknowledge", Family.ALERTS,
            "an alert acknowledged, with a note: no more repeats; an event's alert is closed by it"),

    CONSOLE_TICKET("console.ticket", Family.CONSOLES, "a one-time console ticket issued, or refused (no screen now)"),
    CONSOLE_OPEN("console.open", Family.CONSOLES, "a guest's console opened with a ticket, or its opening failed"),
    CONSOLE_CLOSE("console.close", Family.CONSOLES, "a console session ended, with the bytes it carried"),
    CONSOLE_SERIAL_OPEN("console.serial.open", Family.CONSOLES, "a guest's serial console opened with a ticket, or refused (someone else holds it) or failed"),
    CONSOLE_SERIAL_TAKEOVER("console.serial.takeover", Family.CONSOLES, "a guest's serial console taken from whoever held it (ADMIN, OPERATOR); the holder's session ends"),
    CONSOLE_REFUSED("console.refused", Family.CONSOLES, "a console connection refused (no, spent or expired ticket, another site's page)"),

    USER_CREATE("user.create", Family.USERS, "a user account made"),
    USER_ROLE("user.role", Family.USERS, "a user's role changed"),
    USER_ENABLE("user.enable", Family.USERS, "a user account enabled"),
    USER_DISABLE("user.disable", Family.USERS, "a user account disabled"),
    USER_PASSWORD("user.password", Family.USERS, "a password changed by its user or reset by an administrator"),
    GROUP_CREATE("group.create", Family.USERS, "a group made"),
    GROUP_DELETE("group.delete", Family.USERS, "a group deleted"),
    GROUP_MEMBER_ADD("group.member.add", Family.USERS, "a user added to a group"),
    GROUP_MEMBER_REMOVE("group.member.remove", Family.USERS, "a user taken out of a group"),
    GRANT_ADD("grant.add", Family.USERS, "a role granted on a host, guest or tag to a user or group"),
    GRANT_REMOVE("grant.remove", Family.USERS, "a grant taken back"),
    TOKEN_CREATE("token.create", Family.USERS, "an API token issued"),
    TOKEN_REVOKE("token.revoke", Family.USERS, "an API token revoked"),

    LOGIN_SUCCESS("login.success", Family.LOGINS, "a user signed in"),
    LOGIN_FAILURE("login.failure", Family.LOGINS, "a sign-in refused (wrong name or password)"),
    LOGIN_LOCKOUT("login.lockout", Family.LOGINS, "sign-ins held back after repeated failures"),
    LOGOUT("logout", Family.LOGINS, "a user signed out");

    /** How the audit page groups actions. */
    public enum Family {
        GUESTS("Guests"), HOSTS("Hosts"), STORAGE("Storage"), NETWORKS("Networks"), BACKUPS("Backups"),
        ALERTS("Alerts"), CONSOLES("Consoles"),
        USERS("Users and access"), LOGINS("Sign-ins");

        private final String label;

        Family(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public List<AuditAction> actions() {
            return Arrays.stream(AuditAction.values()).filter(a -> a.family == this).toList();
        }

        /**
         * What the audit page's action filter offers in this family: each action, each after the first family
         * prefix it opens that two or more actions share ({@code guest.snapshot} finds all three snapshot actions).
         */
        public List<FilterChoice> filterChoices() {
            List<FilterChoice> choices = new ArrayList<>();
            Set<String> offered = new HashSet<>();
            for (AuditAction action : actions()) {
                String[] parts = action.code.split("\\.");
                for (int i = 1; i < parts.length; i++) {
                    String prefix = String.join(".", Arrays.copyOf(parts, i));
                    long sharing = Arrays.stream(AuditAction.values()).filter(a -> a.code.startsWith(prefix + ".")).count();
                    if (sharing > 1 && offered.add(prefix)) {
                        choices.add(new FilterChoice(prefix, prefix + ".* (" + sharing + " actions)", null));
                    }
                }
                choices.add(new FilterChoice(action.code, action.code, action.meaning));
            }
            return choices;
        }
    }

    /** An option of the audit page's action filter: a whole action or a family of them. */
    public record FilterChoice(String value, String label, String meaning) {
    }

    private final String code;
    private final Family family;
    private final String meaning;

    AuditAction(String code, Family family, String meaning) {
        this.code = code;
        this.family = family;
        this.meaning = meaning;
    }

    public String code() {
        return code;
    }

    public Family family() {
        return family;
    }

    public String meaning() {
        return meaning;
    }

    public static Optional<AuditAction> byCode(String code) {
        return Arrays.stream(values()).filter(a -> a.code.equals(code)).findFirst();
    }

    @Override
    public String toString() {
        return code;
    }
}

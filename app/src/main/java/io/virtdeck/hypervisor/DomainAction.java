package io.virtdeck.hypervisor;

/** The power actions libvirt offers on a domain, by the names operators know them. */
public enum DomainAction {
    START, SHUTDOWN, POWEROFF, REBOOT, RESET, SUSPEND, RESUME
}

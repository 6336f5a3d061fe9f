package io.virtdeck.hypervisor;

/**
 * The power actions libvirt offers on a domain, by the names operators know them. SAVE is libvirt's managed save
 * (hibernate): the memory goes to a file on the host and the domain stops; START restores it from there.
 * DISCARD_SAVE deletes that file: the next START boots afresh, as after a power cut.
 */
public enum DomainAction {
    START, SHUTDOWN, POWEROFF, REBOOT, RESET, SUSPEND, RESUME, SAVE, DISCARD_SAVE
}

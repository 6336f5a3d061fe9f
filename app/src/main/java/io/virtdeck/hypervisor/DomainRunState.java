package io.virtdeck.hypervisor;

/** A domain's run state, as libvirt reports it, folded to what an operator distinguishes. */
public enum DomainRunState {
    RUNNING, PAUSED, SHUTOFF, CRASHED, MIGRATING, UNKNOWN
}

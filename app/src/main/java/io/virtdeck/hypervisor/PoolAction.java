package io.virtdeck.hypervisor;

/** What can be done to a defined storage pool, besides deleting it. */
public enum PoolAction {
    BUILD, START, STOP, REFRESH, AUTOSTART_ON, AUTOSTART_OFF
}

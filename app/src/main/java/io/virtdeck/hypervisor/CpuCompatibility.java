package io.virtdeck.hypervisor;

/** libvirt's answer to "can this CPU definition run on that host?" (virConnectCompareCPU). */
public enum CpuCompatibility {
    INCOMPATIBLE, IDENTICAL, SUPERSET, UNKNOWN;

    public boolean compatible() {
        return this != INCOMPATIBLE;
    }
}

package io.virtdeck.hypervisor;

/**
 * libvirt's answer to "can this host's hypervisor give a guest that CPU?" (virConnectCompareHypervisorCPU).
 *
 * @param reason libvirt's words when it cannot (they name the features the host lacks), else null
 */
public record CpuComparison(boolean compatible, String reason) {

    public static final CpuComparison COMPATIBLE = new CpuComparison(true, null);
}

package io.virtdeck.hypervisor;

import java.util.List;

/**
 * The CPUs a host can give its guests of one domain type (OpenAPI: GET /api/v1/hosts/{id}/cpu-models): read from
 * libvirt's domain capabilities; where a driver has none (libvirt's test driver), every mode, the CPU models libvirt
 * knows for the architecture and the host's own CPU flags.
 *
 * @param modes    the {@code <cpu mode>}s the host supports, as libvirt names them
 * @param models   the named models the host can run as they are (usable), for a custom CPU
 * @param features the features a guest may require: those the host's CPU offers
 * @param disableable the features a guest may disable: every feature libvirt knows on this host
 */
public record HostCpuOffer(String domainType, List<String> modes, List<String> models, List<String> features,
                           List<String> disableable) {

    public HostCpuOffer {
        modes = List.copyOf(modes);
        models = List.copyOf(models);
        features = List.copyOf(features);
        disableable = List.copyOf(disableable);
    }

    public boolean offers(GuestCpu.Mode mode) {
        return modes.contains(mode.xml());
    }
}

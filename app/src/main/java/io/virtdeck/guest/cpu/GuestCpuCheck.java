package io.virtdeck.guest.cpu;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.GuestCpu;
import io.virtdeck.hypervisor.HostCpuOffer;

/**
 * Turns a CPU request into the guest's CPU, checked against what its host offers: a mode the host supports, a named
 * model it can run, features it knows (and has, for those required). Each refusal names the field at fault.
 */
public final class GuestCpuCheck {

    static final int MAX_FEATURES = 64;

    private GuestCpuCheck() {
    }

    /** @param field the request's field holding the CPU ({@code cpu}), prefix of the fields named in refusals */
    public static GuestCpu check(CpuRequest request, HostCpuOffer offer, String hostName, String field) {
        GuestCpu.Mode mode = GuestCpu.Mode.ofXml(request.mode() == null ? null
                : request.mode().trim().toLowerCase(Locale.ROOT));
        if (mode == null) {
            throw VirtdeckException.invalid(field + ".mode", "CPU mode must be host-passthrough, host-model or custom.");
        }
        if (!offer.offers(mode)) {
            throw VirtdeckException.invalid(field + ".mode", "Host '" + hostName + "' does not offer CPU mode "
                    + mode.xml() + " for " + offer.domainType() + " guests; it offers " + String.join(", ",
                    offer.modes()) + ".");
        }
        String model = null;
        if (mode == GuestCpu.Mode.CUSTOM) {
            model = request.model() == null ? "" : request.model().trim();
            if (!offer.models().contains(model)) {
                throw VirtdeckException.invalid(field + ".model", model.isEmpty()
                        ? "A custom CPU needs a model: one of those host '" + hostName + "' lists as usable."
                        : "Host '" + hostName + "' cannot run CPU model '" + model + "': it is not among the models"
                        + " it lists as usable (GET /api/v1/hosts/{id}/cpu-models).");
            }
        } else if (request.model() != null && !request.model().isBlank()) {
            throw VirtdeckException.invalid(field + ".model", "Only a custom CPU names a model; " + mode.xml()
                    + " takes the host's.");
        }
        return new GuestCpu(mode, model, features(request.features(), mode, offer, hostName, field));
    }

    private static List<GuestCpu.Feature> features(List<CpuRequest.Feature> requested, GuestCpu.Mode mode,
                                                   HostCpuOffer offer, String hostName, String field) {
        if (requested.isEmpty()) {
            return List.of();
        }
        if (mode == GuestCpu.Mode.HOST_PASSTHROUGH) {
            throw VirtdeckException.invalid(field + ".features", "A host-passthrough CPU is the host's as it is:"
                    + " it takes no features.");
        }
        if (requested.size() > MAX_FEATURES) {
            throw VirtdeckException.invalid(field + ".features", "At most " + MAX_FEATURES + " CPU features.");
        }
        List<GuestCpu.Feature> features = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            CpuRequest.Feature feature = requested.get(i);
            String at = field + ".features[" + i + "]";
            String name = feature == null || feature.name() == null ? "" : feature.name().trim();
            String policyText = feature == null || feature.policy() == null ? "" : feature.policy().trim()
                    .toLowerCase(Locale.ROOT);
            GuestCpu.Policy policy = switch (policyText) {
                case "require" -> GuestCpu.Policy.REQUIRE;
                case "disable" -> GuestCpu.Policy.DISABLE;
                default -> throw VirtdeckException.invalid(at + ".policy", "CPU feature policy must be require or"
                        + " disable.");
            };
            if (!offer.disableable().contains(name)) {
                throw VirtdeckException.invalid(at + ".name", "Host '" + hostName + "' knows no CPU feature '" + name
                        + "'.");
            }
            if (policy == GuestCpu.Policy.REQUIRE && !offer.features().contains(name)) {
                throw VirtdeckException.invalid(at + ".name", "Host '" + hostName + "' cannot give a guest CPU"
                        + " feature '" + name + "': its CPU lacks it.");
            }
            if (!seen.add(name)) {
                throw VirtdeckException.invalid(at + ".name", "CPU feature '" + name + "' is given twice.");
            }
            features.add(new GuestCpu.Feature(name, policy));
        }
        return features;
    }
}

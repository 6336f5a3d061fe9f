package io.virtdeck.guest.cpu;

import java.util.List;

/**
 * A guest's CPU as a create or configure request asks for it (OpenAPI: {@code cpu} in POST /api/v1/hosts/{id}/guests
 * and PATCH /api/v1/guests/{id}).
 *
 * @param mode     host-passthrough, host-model or custom
 * @param model    custom only: a model the host lists as usable (GET /api/v1/hosts/{id}/cpu-models)
 * @param features custom and host-model: features to require (the host must offer them) or to disable
 */
public record CpuRequest(String mode, String model, List<Feature> features) {

    public CpuRequest {
        features = features == null ? List.of() : features;
    }

    /** @param policy require or disable */
    public record Feature(String name, String policy) {
    }
}

package io.virtdeck.migration;

/**
 * POST /api/v1/hosts/{id}/maintenance (OpenAPI: {@code enabled}). The other fields are additions: how each running
 * guest is migrated away, as in {@link MigrationRequest}.
 */
public record MaintenanceRequest(Boolean enabled, Integer maxDowntimeMs, Integer bandwidthMiBps,
                                 Boolean autoConverge, Boolean copyStorage, Boolean unsafe) {

    MigrationRequest migrationTo(long targetHostId) {
        return new MigrationRequest(targetHostId, true, maxDowntimeMs, bandwidthMiBps, autoConverge, false,
                copyStorage, unsafe);
    }
}

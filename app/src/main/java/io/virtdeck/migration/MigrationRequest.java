package io.virtdeck.migration;

/**
 * POST /api/v1/guests/{id}/migrate (OpenAPI: {@code targetHostId}, {@code live}; the rest are additions). Absent
 * options take libvirt's defaults; {@code live} absent means live for a running guest and offline for a stopped one.
 */
public record MigrationRequest(Long targetHostId, Boolean live, Integer maxDowntimeMs, Integer bandwidthMiBps,
                               Boolean autoConverge, Boolean postCopy, Boolean copyStorage, Boolean unsafe) {

    public static MigrationRequest to(long targetHostId) {
        return new MigrationRequest(targetHostId, null, null, null, null, null, null, null);
    }
}

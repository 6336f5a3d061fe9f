package io.virtdeck.storage;

import java.util.List;

/**
 * OpenAPI: POST /api/v1/hosts/{id}/pools {"name","type",...type's fields}. Each type takes its own fields
 * ({@link PoolChecks#FIELDS}); {@code build} makes the pool's storage before it starts.
 */
public record PoolRequest(String name, String type, String path, String device, String format, String host,
                          String exportPath, String volumeGroup, List<String> devices, Integer port, String iqn,
                          String chapUser, String secretUuid, List<String> monitors, String cephPool,
                          String cephUser, Boolean build) {
}

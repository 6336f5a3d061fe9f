package io.virtdeck.guest.snapshot;

/**
 * A snapshot to take (OpenAPI: POST /api/v1/guests/{id}/snapshots). {@code withMemory} null means "what the guest's
 * state allows": disk and memory when it runs or is paused, disk alone when it is shut off.
 */
public record SnapshotRequest(String name, String description, Boolean withMemory) {
}

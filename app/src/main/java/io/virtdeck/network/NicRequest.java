package io.virtdeck.network;

/**
 * A guest NIC as asked for (POST /api/v1/guests/{id}/nics): on a virtual {@code network} or straight on a host
 * {@code bridge} (one of the two), of {@code model} (virtio by default), with {@code mac} (made when absent).
 */
public record NicRequest(String network, String bridge, String model, String mac) {
}

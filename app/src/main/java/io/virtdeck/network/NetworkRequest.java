package io.virtdeck.network;

/** API.md: POST /api/v1/hosts/{id}/networks. */
public record NetworkRequest(String name, String mode, String bridge, Ipv4 ipv4, Ipv6 ipv6) {

    public record Ipv4(String address, Integer prefix, String dhcpStart, String dhcpEnd) {
    }

    public record Ipv6(String address, Integer prefix) {
    }
}

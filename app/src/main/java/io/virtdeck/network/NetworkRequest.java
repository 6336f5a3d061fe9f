package io.virtdeck.network;

import java.util.List;

import io.virtdeck.hypervisor.NetworkFacts;

/** OpenAPI: POST /api/v1/hosts/{id}/networks; {@code ipv4.hosts} (static DHCP entries) is an addition. */
public record NetworkRequest(String name, String mode, String bridge, Ipv4 ipv4, Ipv6 ipv6) {

    public record Ipv4(String address, Integer prefix, String dhcpStart, String dhcpEnd,
                       List<NetworkFacts.DhcpHost> hosts) {

        public Ipv4 {
            hosts = hosts == null ? List.of() : hosts;
        }
    }

    public record Ipv6(String address, Integer prefix) {
    }
}

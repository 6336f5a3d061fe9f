package io.virtdeck.hypervisor;

import java.util.List;

/**
 * A virtual network of a host (OpenAPI: networks). {@code mode}: nat, isolated, routed, bridge or openvswitch (as
 * libvirt's forward mode and virtual port say; other forward modes by their libvirt name). {@code ipv4}/{@code ipv6}:
 * the host's address on the network and its DHCP range, null when the network has none.
 */
public record NetworkFacts(String name, String mode, String bridge, boolean active, boolean autostart, IpRange ipv4,
                           IpRange ipv6) {

    /**
     * An address with its prefix length and, for DHCP, the first and last address handed out (null: no range) and the
     * static entries (a MAC address always given the same address).
     */
    public record IpRange(String address, int prefix, String dhcpStart, String dhcpEnd, List<DhcpHost> hosts) {

        public IpRange {
            hosts = hosts == null ? List.of() : List.copyOf(hosts);
        }

        public IpRange(String address, int prefix, String dhcpStart, String dhcpEnd) {
            this(address, prefix, dhcpStart, dhcpEnd, List.of());
        }
    }

    /** A static DHCP entry: the NIC with {@code mac} always gets {@code ip}; {@code name} (optional) is its hostname. */
    public record DhcpHost(String mac, String ip, String name) {
    }
}

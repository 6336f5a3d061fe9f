package io.virtdeck.hypervisor;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NetworkXmlTest {

    private static NetworkFacts roundTrip(NetworkFacts network) {
        return NetworkXml.read(NetworkXml.write(network), true, true);
    }

    @Test
    void eachKindReadsBackAsWritten() {
        NetworkFacts.IpRange lan = new NetworkFacts.IpRange("192.168.150.1", 24, "192.168.150.100", "192.168.150.200");
        NetworkFacts.IpRange v6 = new NetworkFacts.IpRange("fd00:150::1", 64, null, null);
        for (NetworkFacts network : new NetworkFacts[] {
            new NetworkFacts("nat1", "nat", "virbr9", true, true, lan, v6),
            new NetworkFacts("lab", "isolated", null, true, true, lan, null),
            new NetworkFacts("dmz", "routed", null, true, true, lan, null),
            new NetworkFacts("lan", "bridge", "br0", true, true, null, null),
            new NetworkFacts("ovs", "openvswitch", "ovsbr0", true, true, null, null)}) {
            assertThat(roundTrip(network)).as(network.mode()).isEqualTo(network);
        }
    }

    @Test
    void staticDhcpEntriesReadBackAndLibvirtsSchemaTakesThem() throws Exception {
        List<NetworkFacts.DhcpHost> hosts = List.of(new NetworkFacts.DhcpHost("52:54:00:aa:00:01", "192.168.150.10", "web"),
                new NetworkFacts.DhcpHost("52:54:00:aa:00:02", "192.168.150.11", null));
        NetworkFacts withRange = new NetworkFacts("nat1", "nat", "virbr9", true, true,
                new NetworkFacts.IpRange("192.168.150.1", 24, "192.168.150.100", "192.168.150.200", hosts), null);
        NetworkFacts staticOnly = new NetworkFacts("iso", "isolated", null, true, true,
                new NetworkFacts.IpRange("10.1.0.1", 16, null, null, hosts.subList(0, 1)), null);
        for (NetworkFacts network : List.of(withRange, staticOnly)) {
            assertThat(roundTrip(network)).isEqualTo(network);
            LibvirtSchema.assertValid(NetworkXml.write(network), "network");
        }
        assertThat(NetworkXml.write(staticOnly)).as("a DHCP server with static entries only: no range")
                .contains("<dhcp><host").doesNotContain("range");
        assertThat(NetworkXml.dhcpHost(hosts.get(1))).isEqualTo("<host ip=\"192.168.150.11\" mac=\"52:54:00:aa:00:02\"/>");
        assertThat(NetworkXml.dhcpHost(new NetworkFacts.DhcpHost("52:54:00:aa:00:03", "10.0.0.5", "a\"b")))
                .as("escaped by the XML library").contains("name=\"a&quot;b\"");
    }

    @Test
    void everyKindIsValidByLibvirtsSchema() throws Exception {
        NetworkFacts.IpRange lan = new NetworkFacts.IpRange("192.168.150.1", 24, "192.168.150.100", "192.168.150.200");
        for (NetworkFacts network : List.of(
                new NetworkFacts("nat1", "nat", "virbr9", true, true, lan,
                        new NetworkFacts.IpRange("fd00:150::1", 64, null, null)),
                new NetworkFacts("dmz", "routed", null, true, true, lan, null),
                new NetworkFacts("lan", "bridge", "br0", true, true, null, null),
                new NetworkFacts("ovs", "openvswitch", "ovsbr0", true, true, null, null))) {
            LibvirtSchema.assertValid(NetworkXml.write(network), "network");
        }
    }

    @Test
    void theShapesAreLibvirts() {
        assertThat(NetworkXml.write(new NetworkFacts("dmz", "routed", null, true, true,
                new NetworkFacts.IpRange("10.0.0.1", 24, null, null), null)))
                .contains("<forward mode=\"route\"/>").contains("address=\"10.0.0.1\"").doesNotContain("dhcp");
        assertThat(NetworkXml.write(new NetworkFacts("ovs", "openvswitch", "ovsbr0", true, true, null, null)))
                .contains("<forward mode=\"bridge\"/>").contains("<virtualport type=\"openvswitch\"/>");
        assertThat(NetworkXml.write(new NetworkFacts("lab", "isolated", null, true, true, null, null)))
                .doesNotContain("forward");
        assertThat(NetworkXml.write(new NetworkFacts("a&b", "isolated", null, true, true, null, null)))
                .as("names are escaped by the XML library").contains("a&amp;b");
    }
}

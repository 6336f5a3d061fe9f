package io.virtdeck.hypervisor;

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

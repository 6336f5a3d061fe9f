package io.virtdeck.network;

import java.util.List;

import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.NetworkFacts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetworkChecksTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final NetworkFacts.IpRange LAN = new NetworkFacts.IpRange("192.168.150.1", 24, "192.168.150.100",
            "192.168.150.199");

    @Test
    void aNatNetworkWithARangeAndStaticEntriesBecomesTheNetworkToDefine() {
        NetworkFacts network = NetworkChecks.toNetwork(request("{'name':'lan','mode':'nat','ipv4':{"
                + "'address':'192.168.150.1','prefix':24,'dhcpStart':'192.168.150.100','dhcpEnd':'192.168.150.199',"
                + "'hosts':[{'mac':'52:54:00:AA:00:01','ip':'192.168.150.10','name':'db'}]}}"));

        assertThat(network.name()).isEqualTo("lan");
        assertThat(network.ipv4().dhcpStart()).isEqualTo("192.168.150.100");
        assertThat(network.ipv4().hosts()).containsExactly(
                new NetworkFacts.DhcpHost("52:54:00:aa:00:01", "192.168.150.10", "db"));
    }

    @Test
    void aBridgeNetworkNamesAnExistingBridgeAndTakesNoAddressesAndANatOneNeedsThem() {
        refused(() -> NetworkChecks.toNetwork(request("{'name':'br','mode':'bridge'}")), "bridge",
                "A bridge network joins a bridge that exists on the host: name it in bridge.");
        refused(() -> NetworkChecks.toNetwork(request("{'name':'br','mode':'openvswitch','bridge':'ovsbr0',"
                + "'ipv6':{'address':'fd00::1','prefix':64}}")), "ipv6",
                "takes its addresses from the host's own network");
        refused(() -> NetworkChecks.toNetwork(request("{'name':'lan','mode':'routed'}")), "ipv4",
                "A routed network needs an IPv4 address and prefix");
        refused(() -> NetworkChecks.toNetwork(request("{'name':'lan','mode':'vlan'}")), "mode",
                "mode is one of nat, isolated, routed, bridge or openvswitch.");
    }

    @Test
    void theDhcpRangeLiesInTheSubnetRunsUpwardsAndLeavesOutTheHostsAddress() {
        refused(() -> range("192.168.150.100", "192.168.151.10"), "ipv4.dhcpStart", "must lie in 192.168.150.1/24");
        refused(() -> range("192.168.150.200", "192.168.150.100"), "ipv4.dhcpEnd", "must run upwards");
        refused(() -> range("192.168.150.1", "192.168.150.50"), "ipv4.dhcpEnd", "leave out the host's own address");
        refused(() -> range("192.168.150.100", null), "ipv4.dhcpEnd", "needs both its first and its last address");
    }

    @Test
    void aStaticEntryIsANicsAddressInsideTheNetwork() {
        refused(() -> NetworkChecks.dhcpHost("", new NetworkFacts.DhcpHost("52:54:00:00:00:01", "10.0.0.5", null),
                LAN), "ip", "ip must lie in the network's 192.168.150.1/24.");
        refused(() -> NetworkChecks.dhcpHost("", new NetworkFacts.DhcpHost("52:54:00:00:00:01", "192.168.150.255",
                null), LAN), "ip", "is the subnet's own broadcast address");
        refused(() -> NetworkChecks.dhcpHost("", new NetworkFacts.DhcpHost("52:54:00:00:00:01", "192.168.150.1",
                null), LAN), "ip", "is the host's own address on the network.");
        refused(() -> NetworkChecks.dhcpHost("", new NetworkFacts.DhcpHost("52:54:00:00:00:01", "192.168.150.7",
                "-db"), LAN), "name", "name is a host name");
        // dnsmasq hands a static address out even inside the dynamic range
        assertThat(NetworkChecks.dhcpHost("", new NetworkFacts.DhcpHost("52:54:00:00:00:01", "192.168.150.150",
                null), LAN).ip()).isEqualTo("192.168.150.150");
    }

    @Test
    void twoStaticEntriesClashOnTheirMacAddressOrNameWhateverTheCaseOrOnTheirAddress() {
        List<NetworkFacts.DhcpHost> others = List.of(new NetworkFacts.DhcpHost("52:54:00:aa:00:01", "192.168.150.10",
                "db"));

        assertThat(NetworkChecks.clash(new NetworkFacts.DhcpHost("52:54:00:AA:00:01", "192.168.150.11", null), others))
                .contains("mac");
        assertThat(NetworkChecks.clash(new NetworkFacts.DhcpHost("52:54:00:00:00:02", "192.168.150.10", null), others))
                .contains("ip");
        assertThat(NetworkChecks.clash(new NetworkFacts.DhcpHost("52:54:00:00:00:02", "192.168.150.11", "DB"), others))
                .contains("name");
        assertThat(NetworkChecks.clash(new NetworkFacts.DhcpHost("52:54:00:00:00:02", "192.168.150.11", null), others))
                .isEmpty();
    }

    @Test
    void subnetsOverlapWhenTheShorterPrefixCoversBoth() {
        assertThat(NetworkChecks.overlap(LAN, new NetworkFacts.IpRange("192.168.0.1", 16, null, null))).isTrue();
        assertThat(NetworkChecks.overlap(LAN, new NetworkFacts.IpRange("192.168.151.1", 24, null, null))).isFalse();
    }

    private static void range(String start, String end) {
        NetworkChecks.toNetwork(request("{'name':'lan','mode':'nat','ipv4':{'address':'192.168.150.1','prefix':24,"
                + "'dhcpStart':'" + start + "'" + (end == null ? "" : ",'dhcpEnd':'" + end + "'") + "}}"));
    }

    /** A request as the API reads it: written with single quotes here for legibility. */
    private static NetworkRequest request(String json) {
        return JSON.readValue(json.replace('\'', '"'), NetworkRequest.class);
    }

    private static void refused(Executable check, String field, String message) {
        assertThatThrownBy(check::execute).isInstanceOfSatisfying(VirtdeckException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).contains(message);
        });
    }
}

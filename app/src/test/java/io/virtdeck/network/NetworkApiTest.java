package io.virtdeck.network;

import java.util.List;

import io.virtdeck.hypervisor.NetworkFacts;
import io.virtdeck.hypervisor.NetworkGateway;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Virtual networks over REST against libvirt's test driver; what is made or deleted is checked with libvirt. */
@VirtdeckIntegrationTest
class NetworkApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    NetworkGateway libvirt;
    @Autowired
    JdbcClient jdbc;

    Api api;
    long host;
    String networks;

    @BeforeEach
    void host() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("networks-" + System.nanoTime(), TestHosts.smallHost());
        api.guestId(host, "alpha-web");
        networks = "/api/v1/hosts/" + host + "/networks";
    }

    @Test
    void everyKindIsMadeStartedAndDeleted() throws Exception {
        mvc.perform(api.post(networks, "{\"name\":\"nat2\",\"mode\":\"nat\",\"ipv4\":{\"address\":\"192.168.160.1\","
                        + "\"prefix\":24,\"dhcpStart\":\"192.168.160.100\",\"dhcpEnd\":\"192.168.160.200\"},"
                        + "\"ipv6\":{\"address\":\"fd00:160::1\",\"prefix\":64}}"))
                .andExpect(status().isCreated()).andExpect(jsonPath("$.mode").value("nat"))
                .andExpect(jsonPath("$.active").value(true)).andExpect(jsonPath("$.autostart").value(true))
                .andExpect(jsonPath("$.ipv4.dhcpEnd").value("192.168.160.200"));
        mvc.perform(api.post(networks, "{\"name\":\"lab\",\"mode\":\"isolated\"}")).andExpect(status().isCreated());
        mvc.perform(api.post(networks, "{\"name\":\"dmz\",\"mode\":\"routed\",\"ipv4\":{\"address\":\"10.9.0.1\","
                + "\"prefix\":24}}")).andExpect(status().isCreated());
        mvc.perform(api.post(networks, "{\"name\":\"lan\",\"mode\":\"bridge\",\"bridge\":\"br0\"}"))
                .andExpect(status().isCreated()).andExpect(jsonPath("$.bridge").value("br0"));
        mvc.perform(api.post(networks, "{\"name\":\"ovs\",\"mode\":\"openvswitch\",\"bridge\":\"ovsbr0\"}"))
                .andExpect(status().isCreated()).andExpect(jsonPath("$.mode").value("openvswitch"));
        assertThat(libvirt.networks(host)).extracting(n -> n.name() + ":" + n.mode() + ":" + n.active())
                .contains("nat2:nat:true", "lab:isolated:true", "dmz:routed:true", "lan:bridge:true",
                        "ovs:openvswitch:true");

        mvc.perform(api.post(networks + "/lab/state", "{\"active\":false}")).andExpect(status().isNoContent());
        assertThat(libvirt.networks(host)).anyMatch(n -> n.name().equals("lab") && !n.active());
        mvc.perform(api.post(networks + "/lab/state", "{\"active\":true}")).andExpect(status().isNoContent());
        assertThat(libvirt.networks(host)).anyMatch(n -> n.name().equals("lab") && n.active());
        mvc.perform(api.post(networks + "/default/state", "{\"active\":false}")).andExpect(status().isConflict());
        mvc.perform(api.post(networks + "/lab/state", "{}")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("active"));
        assertThat(com.jayway.jsonpath.JsonPath.<java.util.List<java.util.List<String>>>read(api.getJson(networks),
                "$[?(@.name == 'default')].usedBy")).containsExactly(java.util.List.of("alpha-web"));

        mvc.perform(delete(networks + "/lab").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isNoContent());
        assertThat(libvirt.networks(host)).noneMatch(n -> n.name().equals("lab"));
        mvc.perform(delete(networks + "/default").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString("alpha-web")));
        assertThat(libvirt.networks(host)).anyMatch(n -> n.name().equals("default"));
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndMakesNothing() throws Exception {
        refused("{\"name\":\"x y\",\"mode\":\"nat\"}", "name");
        refused("{\"name\":\"x\",\"mode\":\"vlan\"}", "mode");
        refused("{\"name\":\"x\",\"mode\":\"nat\"}", "ipv4");
        refused("{\"name\":\"x\",\"mode\":\"bridge\"}", "bridge");
        refused("{\"name\":\"x\",\"mode\":\"bridge\",\"bridge\":\"br0\",\"ipv4\":{\"address\":\"10.0.0.1\","
                + "\"prefix\":24}}", "ipv4");
        refused("{\"name\":\"x\",\"mode\":\"nat\",\"ipv4\":{\"address\":\"10.0.0.300\",\"prefix\":24}}",
                "ipv4.address");
        refused("{\"name\":\"x\",\"mode\":\"nat\",\"ipv4\":{\"address\":\"10.0.0.1\",\"prefix\":31}}", "ipv4.prefix");
        refused("{\"name\":\"x\",\"mode\":\"nat\",\"ipv4\":{\"address\":\"10.0.0.1\",\"prefix\":24,"
                + "\"dhcpStart\":\"10.0.1.10\",\"dhcpEnd\":\"10.0.1.20\"}}", "ipv4.dhcpStart");
        refused("{\"name\":\"x\",\"mode\":\"nat\",\"ipv4\":{\"address\":\"10.0.0.1\",\"prefix\":24,"
                + "\"dhcpStart\":\"10.0.0.1\",\"dhcpEnd\":\"10.0.0.20\"}}", "ipv4.dhcpEnd");
        refused("{\"name\":\"x\",\"mode\":\"isolated\",\"ipv6\":{\"address\":\"not:an:address:zz\",\"prefix\":64}}",
                "ipv6.address");
        mvc.perform(api.post(networks, "{\"name\":\"default\",\"mode\":\"isolated\"}"))
                .andExpect(status().isConflict());
        // default holds 192.168.122.0/24
        for (String overlapping : new String[] {"192.168.122.129\",\"prefix\":25", "192.168.0.1\",\"prefix\":16"}) {
            mvc.perform(api.post(networks, "{\"name\":\"x\",\"mode\":\"nat\",\"ipv4\":{\"address\":\""
                            + overlapping + "}}"))
                    .andExpect(status().isConflict()).andExpect(jsonPath("$.field").value("ipv4.address"))
                    .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString("default")));
        }
        assertThat(libvirt.networks(host)).noneMatch(n -> n.name().equals("x"));
    }

    @Test
    void staticDhcpEntriesAreMadeWithTheNetworkAndAddedAndRemovedLater() throws Exception {
        mvc.perform(api.post(networks, "{\"name\":\"office\",\"mode\":\"nat\",\"ipv4\":{\"address\":\"10.20.0.1\","
                        + "\"prefix\":24,\"dhcpStart\":\"10.20.0.100\",\"dhcpEnd\":\"10.20.0.200\",\"hosts\":["
                        + "{\"mac\":\"52:54:00:AB:00:01\",\"ip\":\"10.20.0.10\",\"name\":\"printer\"}]}}"))
                .andExpect(status().isCreated()).andExpect(jsonPath("$.ipv4.hosts[0].mac").value("52:54:00:ab:00:01"));
        assertThat(hostsOf("office")).containsExactly(new NetworkFacts.DhcpHost("52:54:00:ab:00:01", "10.20.0.10",
                "printer"));

        String office = networks + "/office/dhcp-hosts";
        mvc.perform(api.post(office, "{\"mac\":\"52:54:00:ab:00:02\",\"ip\":\"10.20.0.150\"}"))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.ipv4.hosts[1].ip").value("10.20.0.150"));
        assertThat(hostsOf("office")).as("libvirt has it, live").extracting(NetworkFacts.DhcpHost::mac)
                .containsExactly("52:54:00:ab:00:01", "52:54:00:ab:00:02");

        mvc.perform(delete(office + "/52:54:00:AB:00:01").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isNoContent());
        assertThat(hostsOf("office")).extracting(NetworkFacts.DhcpHost::mac).containsExactly("52:54:00:ab:00:02");
        mvc.perform(delete(office + "/52:54:00:ab:00:01").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isNotFound());

        // the network being stopped, the entry goes into its definition only
        mvc.perform(api.post(networks + "/office/state", "{\"active\":false}")).andExpect(status().isNoContent());
        mvc.perform(api.post(office, "{\"mac\":\"52:54:00:ab:00:03\",\"ip\":\"10.20.0.11\"}"))
                .andExpect(status().isCreated());
        assertThat(hostsOf("office")).extracting(NetworkFacts.DhcpHost::ip).contains("10.20.0.11");
        assertThat(Api.audited(jdbc, "network.dhcp-host.add", "office")).isEqualTo(2);
    }

    @Test
    void badStaticEntriesAreRefusedNamingTheFieldAndChangeNothing() throws Exception {
        String entries = networks + "/default/dhcp-hosts";
        mvc.perform(api.post(entries, "{\"mac\":\"52:54:00:ab:00:09\",\"ip\":\"192.168.122.9\",\"name\":\"db\"}"))
                .andExpect(status().isCreated());
        List<NetworkFacts.DhcpHost> before = hostsOf("default");
        entryRefused("{\"mac\":\"52:54:00:zz:00:01\",\"ip\":\"192.168.122.20\"}", 400, "mac");
        entryRefused("{\"mac\":\"01:00:5e:00:00:01\",\"ip\":\"192.168.122.20\"}", 400, "mac"); // multicast
        entryRefused("{\"ip\":\"192.168.122.20\"}", 400, "mac");
        entryRefused("{\"mac\":\"52:54:00:ab:00:01\",\"ip\":\"192.168.123.20\"}", 400, "ip");
        entryRefused("{\"mac\":\"52:54:00:ab:00:01\",\"ip\":\"192.168.122.1\"}", 400, "ip"); // the host's
        entryRefused("{\"mac\":\"52:54:00:ab:00:01\",\"ip\":\"192.168.122.255\"}", 400, "ip"); // broadcast
        entryRefused("{\"mac\":\"52:54:00:ab:00:01\",\"ip\":\"192.168.122.0\"}", 400, "ip");
        entryRefused("{\"mac\":\"52:54:00:ab:00:01\",\"ip\":\"192.168.122.300\"}", 400, "ip");
        entryRefused("{\"mac\":\"52:54:00:ab:00:01\",\"ip\":\"192.168.122.20\",\"name\":\"-x\"}", 400, "name");
        entryRefused("{\"mac\":\"52:54:00:AB:00:09\",\"ip\":\"192.168.122.20\"}", 409, "mac");
        entryRefused("{\"mac\":\"52:54:00:ab:00:01\",\"ip\":\"192.168.122.9\"}", 409, "ip");
        entryRefused("{\"mac\":\"52:54:00:ab:00:01\",\"ip\":\"192.168.122.20\",\"name\":\"DB\"}", 409, "name");
        assertThat(hostsOf("default")).as("nothing changed on the host").isEqualTo(before);

        mvc.perform(api.post(networks, "{\"name\":\"iso\",\"mode\":\"isolated\"}")).andExpect(status().isCreated());
        mvc.perform(api.post(networks + "/iso/dhcp-hosts", "{\"mac\":\"52:54:00:ab:00:01\",\"ip\":\"10.0.0.5\"}"))
                .andExpect(status().isConflict());
        mvc.perform(api.post(networks + "/none/dhcp-hosts", "{\"mac\":\"52:54:00:ab:00:01\",\"ip\":\"10.0.0.5\"}"))
                .andExpect(status().isNotFound());

        String twins = "{\"name\":\"twins\",\"mode\":\"nat\",\"ipv4\":{\"address\":\"10.30.0.1\",\"prefix\":24,"
                + "\"hosts\":[{\"mac\":\"52:54:00:ab:00:01\",\"ip\":\"10.30.0.5\"},%s]}}";
        refused(twins.formatted("{\"mac\":\"52:54:00:ab:00:01\",\"ip\":\"10.30.0.6\"}"), "ipv4.hosts[1].mac");
        refused(twins.formatted("{\"mac\":\"52:54:00:ab:00:02\",\"ip\":\"10.30.0.5\"}"), "ipv4.hosts[1].ip");
        refused(twins.formatted("{\"mac\":\"52:54:00:ab:00:02\",\"ip\":\"10.31.0.5\"}"), "ipv4.hosts[1].ip");
        assertThat(libvirt.networks(host)).noneMatch(n -> n.name().equals("twins"));
    }

    @Test
    void autostartIsTurnedOffAndOn() throws Exception {
        mvc.perform(put(networks + "/default/autostart").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))
                .contentType(MediaType.APPLICATION_JSON).content("{\"autostart\":false}"))
                .andExpect(status().isNoContent());
        assertThat(libvirt.networks(host)).anyMatch(n -> n.name().equals("default") && !n.autostart());
        mvc.perform(put(networks + "/default/autostart").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))
                .contentType(MediaType.APPLICATION_JSON).content("{\"autostart\":true}"))
                .andExpect(status().isNoContent());
        assertThat(libvirt.networks(host)).anyMatch(n -> n.name().equals("default") && n.autostart());
        mvc.perform(put(networks + "/default/autostart").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))
                .contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("autostart"));
        mvc.perform(put(networks + "/none/autostart").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))
                .contentType(MediaType.APPLICATION_JSON).content("{\"autostart\":true}"))
                .andExpect(status().isNotFound());
    }

    @Test
    void leasesAreRefusedWhereTheHostKeepsNone() throws Exception {
        // libvirt's test driver runs no DHCP server: leases are proved on the lab (NetworkLeasesLabTest)
        mvc.perform(api.get(networks + "/default/leases")).andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString("leases")));
        mvc.perform(api.get(networks + "/none/leases")).andExpect(status().isNotFound());
    }

    private List<NetworkFacts.DhcpHost> hostsOf(String network) {
        return libvirt.networks(host).stream().filter(n -> n.name().equals(network)).findFirst().orElseThrow()
                .ipv4().hosts();
    }

    private void entryRefused(String json, int status, String field) throws Exception {
        mvc.perform(api.post(networks + "/default/dhcp-hosts", json)).andExpect(status().is(status))
                .andExpect(jsonPath("$.field").value(field));
    }

    private void refused(String json, String field) throws Exception {
        mvc.perform(api.post(networks, json)).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value(field));
    }
}

package io.virtdeck.network;

import io.virtdeck.hypervisor.HypervisorGateway;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Virtual networks over REST against libvirt's test driver; what is made or deleted is checked with libvirt. */
@VirtdeckIntegrationTest
class NetworkApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    HypervisorGateway libvirt;

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
        assertThat(libvirt.networks(host)).noneMatch(n -> n.name().equals("x"));
    }

    private void refused(String json, String field) throws Exception {
        mvc.perform(api.post(networks, json)).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value(field));
    }
}

package io.virtdeck.hypervisor;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.virtdeck.core.HypervisorException;

class VncEndpointsTest {

    private static List<GraphicsFacts> vnc(String listen) {
        return List.of(new GraphicsFacts("vnc", 5901, true, listen));
    }

    @Test
    void aLocalHostsDisplayIsReachedWhereItListens() {
        assertThat(VncEndpoints.resolve("qemu:///system", "web", vnc("127.0.0.1")))
                .isEqualTo(new VncEndpoint("127.0.0.1", 5901, null, -1));
        assertThat(VncEndpoints.resolve("qemu+tcp://127.0.0.1:16601/system", "web", vnc("0.0.0.0")))
                .isEqualTo(new VncEndpoint("127.0.0.1", 5901, null, -1));
    }

    @Test
    void aRemoteHostsDisplayOnAllAddressesIsReachedAtTheHostAndOnItsOwnAddressThere() {
        assertThat(VncEndpoints.resolve("qemu+tcp://kvm7.example.net/system", "web", vnc("0.0.0.0")))
                .isEqualTo(new VncEndpoint("kvm7.example.net", 5901, null, -1));
        assertThat(VncEndpoints.resolve("qemu+tls://kvm7.example.net/system", "web", vnc("10.1.2.3")))
                .isEqualTo(new VncEndpoint("10.1.2.3", 5901, null, -1));
    }

    @Test
    void aDisplayOnARemoteHostsLoopbackGoesThroughSshWhenLibvirtDoes() {
        VncEndpoint endpoint = VncEndpoints.resolve("qemu+ssh://virt@kvm7.example.net:2222/system", "web",
                vnc("127.0.0.1"));
        assertThat(endpoint).isEqualTo(new VncEndpoint("127.0.0.1", 5901, "virt@kvm7.example.net", 2222));
        assertThat(endpoint.tunnelled()).isTrue();
        assertThatThrownBy(() -> VncEndpoints.resolve("qemu+tcp://kvm7.example.net/system", "web", vnc("127.0.0.1")))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("listens on its host's loopback only");
    }

    @Test
    void noDisplayOrNoPortYetIsSaid() {
        assertThatThrownBy(() -> VncEndpoints.resolve("qemu:///system", "web", List.of()))
                .hasMessageContaining("'web' has no VNC display");
        assertThatThrownBy(() -> VncEndpoints.resolve("qemu:///system", "web",
                List.of(new GraphicsFacts("vnc", -1, true, "127.0.0.1"))))
                .hasMessageContaining("not running");
    }
}

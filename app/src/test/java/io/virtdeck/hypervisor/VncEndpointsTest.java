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

    private static final String SOCKET = "/var/lib/libvirt/qemu/domain-3-run-3/vnc.sock";

    private static List<GraphicsFacts> onSocket() {
        return List.of(new GraphicsFacts("vnc", -1, false, null, SOCKET));
    }

    @Test
    void aDisplayOnAUnixSocketIsHandedOverByLibvirtOnALocalConnection() {
        for (String uri : List.of("qemu:///system", "qemu+unix:///system",
                "qemu+unix:///system?socket=/var/tmp/virtdeck-lab/lab1/sock/libvirt-sock")) {
            VncEndpoint endpoint = VncEndpoints.resolve(uri, "run-3", onSocket());
            assertThat(endpoint).as(uri).isEqualTo(VncEndpoint.throughLibvirt(SOCKET));
            assertThat(endpoint.throughLibvirt()).isTrue();
            assertThat(endpoint.tunnelled()).isFalse();
            assertThat(endpoint).hasToString("UNIX socket " + SOCKET + " through libvirt");
        }
    }

    @Test
    void aDisplayOnAUnixSocketOfAnSshHostIsReachedThroughSshToThatSocket() {
        VncEndpoint endpoint = VncEndpoints.resolve("qemu+ssh://virt@kvm7.example.net:2222/system", "run-3",
                onSocket());
        assertThat(endpoint).isEqualTo(VncEndpoint.socketThroughSsh(SOCKET, "virt@kvm7.example.net", 2222));
        assertThat(endpoint.tunnelled()).isTrue();
        assertThat(endpoint.throughLibvirt()).isFalse();
        assertThat(VncEndpoints.resolve("qemu+libssh://kvm7.example.net/system", "run-3", onSocket()))
                .isEqualTo(VncEndpoint.socketThroughSsh(SOCKET, "kvm7.example.net", -1));
    }

    @Test
    void aDisplayOnAUnixSocketOfAHostReachedOverTcpOrTlsCannotOpenAndTheReasonSaysWhy() {
        // measured on the lab's qemu+tcp hosts: libvirt answers virDomainOpenGraphicsFD with "Receiving file
        // descriptors is not supported on this socket"
        for (String uri : List.of("qemu+tcp://127.0.0.1:16601/system", "qemu+tcp:///system",
                "qemu+tcp://kvm7.example.net/system")) {
            assertThatThrownBy(() -> VncEndpoints.resolve(uri, "run-3", onSocket())).as(uri)
                    .isInstanceOf(HypervisorException.class)
                    .hasMessage("the VNC display of 'run-3' listens only on a UNIX socket of its host (" + SOCKET
                            + "), with no TCP port, and libvirt cannot hand that socket to Virtdeck over TCP, the way"
                            + " Virtdeck reaches this host: such a display opens when the host's URI is qemu+ssh://"
                            + " (SSH to the socket) or local (qemu:///system on Virtdeck's own machine), or when the"
                            + " guest's VNC listens on an address")
                    .satisfies(e -> assertThat(((HypervisorException) e).kind())
                            .isEqualTo(HypervisorException.Kind.UNSUPPORTED));
        }
        for (String uri : List.of("qemu+tls://kvm7.example.net/system", "qemu://kvm7.example.net/system")) {
            assertThatThrownBy(() -> VncEndpoints.resolve(uri, "run-3", onSocket())).as(uri)
                    .hasMessageContaining("cannot hand that socket to Virtdeck over TLS")
                    .hasMessageNotContaining("test driver");
        }
    }
}

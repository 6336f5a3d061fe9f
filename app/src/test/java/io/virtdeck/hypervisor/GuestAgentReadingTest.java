package io.virtdeck.hypervisor;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the guest agent's channel, version and file systems are read from what libvirt gives. */
class GuestAgentReadingTest {

    private static String domain(String channels) {
        return "<domain type='qemu'><name>g</name><devices>" + channels + "</devices></domain>";
    }

    @Test
    void theAgentChannelIsFoundWithItsState() {
        assertThat(LibvirtGuestAgent.channelOf(domain(""))).isEqualTo(LibvirtGuestAgent.Channel.NONE);
        assertThat(LibvirtGuestAgent.channelOf(domain("<channel type='pty'><target type='virtio' name='org.other.0'/>"
                + "</channel>"))).isEqualTo(LibvirtGuestAgent.Channel.NONE);
        assertThat(LibvirtGuestAgent.channelOf(domain("<channel type='unix'><source mode='bind'/>"
                + "<target type='virtio' name='org.qemu.guest_agent.0' state='disconnected'/></channel>")))
                .isEqualTo(LibvirtGuestAgent.Channel.DISCONNECTED);
        assertThat(LibvirtGuestAgent.channelOf(domain("<channel type='unix'>"
                + "<target type='virtio' name='org.qemu.guest_agent.0' state='connected'/></channel>")))
                .isEqualTo(LibvirtGuestAgent.Channel.CONNECTED);
    }

    @Test
    void theVersionComesFromGuestInfosReply() {
        assertThat(LibvirtGuestAgent.versionIn("{\"return\":{\"version\": \"7.2.0\",\"supported_commands\":[]}}"))
                .isEqualTo("7.2.0");
        assertThat(LibvirtGuestAgent.versionIn("{\"return\":{}}")).isNull();
    }

    @Test
    void addressesAreWrittenAsPeopleSearchForThem() throws Exception {
        assertThat(LibvirtGuestAgent.text(InetAddress.getByName("192.168.150.23"))).isEqualTo("192.168.150.23");
        assertThat(LibvirtGuestAgent.text(InetAddress.getByName("fe80:0:0:0:5054:ff:fe66:1631%2")))
                .isEqualTo("fe80::5054:ff:fe66:1631");
        assertThat(LibvirtGuestAgent.text(InetAddress.getByName("fd00:0:0:1:0:0:0:21"))).isEqualTo("fd00:0:0:1::21");
        assertThat(LibvirtGuestAgent.text(InetAddress.getByName("::1"))).isEqualTo("::1");
        assertThat(LibvirtGuestAgent.text(InetAddress.getByName("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
    }

    @Test
    void fileSystemsAreReadByIndexAndSortedByMountPoint() {
        List<GuestAgentFacts.FileSystem> fileSystems = LibvirtGuestAgent.fileSystems(Map.of(
                "fs.count", "2",
                "fs.0.mountpoint", "/var", "fs.0.fstype", "xfs", "fs.0.name", "vdb1",
                "fs.1.mountpoint", "/", "fs.1.fstype", "ext4", "fs.1.name", "vda1",
                "fs.1.used-bytes", "629145600", "fs.1.total-bytes", "2040109465"));
        assertThat(fileSystems).containsExactly(
                new GuestAgentFacts.FileSystem("/", "ext4", "vda1", 629145600L, 2040109465L),
                new GuestAgentFacts.FileSystem("/var", "xfs", "vdb1", null, null));
    }
}

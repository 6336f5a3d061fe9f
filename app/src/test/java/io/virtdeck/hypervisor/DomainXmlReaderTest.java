package io.virtdeck.hypervisor;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.virtdeck.core.HypervisorException;

class DomainXmlReaderTest {

    private static final String KVM_GUEST = """
            <domain type='kvm' id='3'>
              <name>web&amp;co</name>
              <uuid>2f1c6b4e-9b3a-4c1e-8a61-0f1e2d3c4b5a</uuid>
              <memory unit='KiB'>2097152</memory>
              <vcpu placement='static' current='2'>4</vcpu>
              <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>
              <devices>
                <disk type='file' device='disk'>
                  <driver name='qemu' type='qcow2'/>
                  <source file='/var/lib/libvirt/images/web.qcow2'/>
                  <target dev='vda' bus='virtio'/>
                </disk>
                <disk type='volume' device='disk'>
                  <driver name='qemu' type='raw'/>
                  <source pool='fast' volume='web-data'/>
                  <target dev='vdb' bus='virtio'/>
                </disk>
                <disk type='file' device='cdrom'>
                  <target dev='sda' bus='sata'/>
                </disk>
                <interface type='bridge'>
                  <mac address='52:54:00:aa:bb:cc'/>
                  <source bridge='br0'/>
                  <model type='e1000'/>
                </interface>
                <graphics type='vnc' port='5901' autoport='yes'>
                  <listen type='address' address='127.0.0.1'/>
                </graphics>
              </devices>
            </domain>""";

    @Test
    void readsWhatTheInventoryKeeps() {
        DomainXmlReader.DomainConfig config = DomainXmlReader.read(KVM_GUEST);

        assertThat(config.name()).isEqualTo("web&co");
        assertThat(config.uuid()).isEqualTo(UUID.fromString("2f1c6b4e-9b3a-4c1e-8a61-0f1e2d3c4b5a"));
        assertThat(config.vcpus()).isEqualTo(2);
        assertThat(config.memoryMiB()).isEqualTo(2048);
        assertThat(config.osType()).isEqualTo("hvm");
        assertThat(config.disks()).containsExactly(
                new DiskFacts("disk", "vda", "virtio", "qcow2", "/var/lib/libvirt/images/web.qcow2"),
                new DiskFacts("disk", "vdb", "virtio", "raw", "fast/web-data"),
                new DiskFacts("cdrom", "sda", "sata", null, null));
        assertThat(config.nics()).containsExactly(new NicFacts("52:54:00:aa:bb:cc", "bridge", "br0", "e1000"));
        assertThat(config.graphics()).containsExactly(new GraphicsFacts("vnc", 5901, true, "127.0.0.1"));
    }

    @Test
    void aDisplayOnAUnixSocketIsReadWithItsPathOnceTheGuestRuns() {
        String running = """
                <domain type='qemu'><name>run-3</name><uuid>2f1c6b4e-9b3a-4c1e-8a61-0f1e2d3c4b5b</uuid>
                  <memory unit='KiB'>131072</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices>
                  <graphics type='vnc' socket='/var/lib/libvirt/qemu/domain-1-run-3/vnc.sock'>
                    <listen type='socket' socket='/var/lib/libvirt/qemu/domain-1-run-3/vnc.sock'/>
                  </graphics>
                </devices></domain>""";
        assertThat(DomainXmlReader.read(running).graphics()).containsExactly(
                new GraphicsFacts("vnc", -1, false, null, "/var/lib/libvirt/qemu/domain-1-run-3/vnc.sock"));
        String listenOnly = running.replace(" socket='/var/lib/libvirt/qemu/domain-1-run-3/vnc.sock'>", ">");
        assertThat(DomainXmlReader.read(listenOnly).graphics().get(0).socket())
                .isEqualTo("/var/lib/libvirt/qemu/domain-1-run-3/vnc.sock");
        String shutOff = """
                <domain type='qemu'><name>run-3</name><uuid>2f1c6b4e-9b3a-4c1e-8a61-0f1e2d3c4b5b</uuid>
                  <memory unit='KiB'>131072</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices>
                  <graphics type='vnc'><listen type='socket'/></graphics>
                </devices></domain>""";
        assertThat(DomainXmlReader.read(shutOff).graphics()).containsExactly(
                new GraphicsFacts("vnc", -1, false, null, null));
    }

    @Test
    void aSerialConsoleIsOneLibvirtsConsoleStreamOpens() {
        String template = """
                <domain type='kvm'><name>s</name><uuid>2f1c6b4e-9b3a-4c1e-8a61-0f1e2d3c4b5c</uuid>
                  <memory unit='KiB'>131072</memory><vcpu>1</vcpu><os><type>hvm</type></os>
                  <devices>DEVICES</devices></domain>""";
        assertThat(DomainXmlReader.read(template.replace("DEVICES",
                "<serial type='pty'><target port='0'/></serial>")).serialConsole()).isTrue();
        assertThat(DomainXmlReader.read(template.replace("DEVICES",
                "<console type='pty'><target type='virtio' port='0'/></console>")).serialConsole()).isTrue();
        // a serial port on a file or a TCP socket is no console libvirt can stream
        assertThat(DomainXmlReader.read(template.replace("DEVICES",
                "<serial type='file'><source path='/var/log/s.log'/><target port='0'/></serial>")).serialConsole())
                .isFalse();
        assertThat(DomainXmlReader.read(template.replace("DEVICES", "")).serialConsole()).isFalse();
    }

    @Test
    void aMigrationNeedsTheVolumesItsDisksNameInTheirPools() {
        MigrationNeeds needs = DomainXmlReader.migrationNeeds("""
                <domain type='qemu'><name>g</name><os><type arch='x86_64'>hvm</type></os><devices>
                  <disk type='volume' device='disk'><source pool='images' volume='g.qcow2'/><target dev='vda'/></disk>
                  <disk type='volume' device='cdrom'><source pool='isos' volume='d.iso'/><target dev='sda'/></disk>
                  <disk type='file' device='disk'><source file='/srv/x.raw'/><target dev='vdb'/></disk>
                </devices></domain>""", null, 0);
        assertThat(needs.pools()).containsExactly("images", "isos");
        assertThat(needs.volumes()).containsExactly(new PoolVolume("images", "g.qcow2"), new PoolVolume("isos", "d.iso"));
        assertThat(needs.unpooledDisks()).containsExactly("/srv/x.raw");
    }

    @Test
    void memoryUnitsAreConverted() {
        assertThat(memory("<memory unit='GiB'>4</memory>")).isEqualTo(4096);
        assertThat(memory("<memory>524288</memory>")).isEqualTo(512);
        assertThat(memory("<memory unit='MB'>1000</memory>")).isEqualTo(953);
        assertThat(memory("<memory unit='b'>1073741824</memory>")).isEqualTo(1024);
    }

    @Test
    void documentTypeDeclarationsAreRefused() {
        String xxe = "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                + "<domain><name>&x;</name></domain>";
        assertThatThrownBy(() -> DomainXmlReader.read(xxe)).isInstanceOf(HypervisorException.class);
    }

    private static long memory(String element) {
        return DomainXmlReader.memoryMiB(SafeXml.parse(element).getDocumentElement());
    }
}

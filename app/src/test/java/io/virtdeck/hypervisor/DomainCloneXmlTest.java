package io.virtdeck.hypervisor;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The clone's definition from its source's: what changes, and what is kept as it is. */
class DomainCloneXmlTest {

    private static final String SOURCE = """
            <domain type='kvm'>
              <name>web</name>
              <uuid>11111111-1111-4111-8111-111111111111</uuid>
              <memory unit='KiB'>524288</memory>
              <os><type>hvm</type><loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>
                <nvram>/var/lib/libvirt/qemu/nvram/web_VARS.fd</nvram></os>
              <devices>
                <disk type='file' device='disk'>
                  <driver name='qemu' type='raw'/>
                  <source file='/images/web.img'/>
                  <backingStore/>
                  <target dev='vda' bus='virtio'/>
                </disk>
                <disk type='volume' device='disk'>
                  <driver name='qemu' type='qcow2'/>
                  <source pool='fast' volume='web-data.qcow2'/>
                  <target dev='vdb' bus='virtio'/>
                </disk>
                <disk type='file' device='cdrom'>
                  <source file='/images/install.iso'/>
                  <target dev='sda' bus='sata'/>
                </disk>
                <interface type='network'>
                  <mac address='52:54:00:aa:bb:cc'/>
                  <source network='default'/>
                </interface>
                <serial type='pty'>
                  <log file='/var/log/lab/web-console.log' append='off'/>
                </serial>
              </devices>
            </domain>""";

    @Test
    void newNameUuidNoMacsAndEachCopiedDiskOnItsCopy() {
        UUID uuid = UUID.randomUUID();
        String xml = DomainCloneXml.write(SOURCE, "web-2", uuid, Map.of(
                "/images/web.img", new PooledVolume("default", volume("web-2-vda.qcow2", "/images/web-2-vda.qcow2",
                        "qcow2")),
                "fast/web-data.qcow2", new PooledVolume("fast", volume("web-2-vdb.qcow2", "/fast/web-2-vdb.qcow2",
                        "qcow2"))));

        DomainXmlReader.DomainConfig clone = DomainXmlReader.read(xml);
        assertThat(clone.name()).isEqualTo("web-2");
        assertThat(clone.uuid()).isEqualTo(uuid);
        assertThat(clone.nics()).extracting(NicFacts::mac).containsExactly((String) null);
        assertThat(clone.nics()).extracting(NicFacts::source).containsExactly("default");
        assertThat(clone.disks()).extracting(d -> d.target() + " " + d.format() + " " + d.source()).containsExactly(
                "vda qcow2 /images/web-2-vda.qcow2", "vdb qcow2 fast/web-2-vdb.qcow2", "sda null /images/install.iso");
        assertThat(xml).doesNotContain("nvram", "backingStore").contains("OVMF_CODE.fd");
        // the source's console log file stays the source's: virtlogd holds it while the source runs
        assertThat(xml).contains("<serial type=\"pty\"").doesNotContain("web-console.log");
    }

    @Test
    void aLinkedCloneVolumeIsQcow2BackedByItsSource() {
        String overlay = StorageXml.overlayOf("""
                <volume type='file'><name>base.img</name><key>/images/base.img</key>
                  <capacity unit='bytes'>10737418240</capacity><allocation unit='bytes'>1073741824</allocation>
                  <target><path>/images/base.img</path><format type='raw'/></target></volume>""", "web-vda.qcow2");
        assertThat(overlay).contains("<name>web-vda.qcow2</name>", "<capacity unit=\"bytes\">10737418240</capacity>",
                "<allocation>0</allocation>", "<target><format type=\"qcow2\"/></target>",
                "<backingStore><path>/images/base.img</path><format type=\"raw\"/></backingStore>");
    }

    @Test
    void aFullCopyKeepsTheSourcesSizeAndFormatUnderItsNewName() {
        String copy = StorageXml.copyOf("""
                <volume type='file'><name>base.qcow2</name><key>/images/base.qcow2</key>
                  <capacity unit='bytes'>10737418240</capacity>
                  <target><path>/images/base.qcow2</path><format type='qcow2'/></target>
                  <backingStore><path>/images/older.qcow2</path></backingStore></volume>""", "copy.qcow2");
        assertThat(copy).contains("<name>copy.qcow2</name>", "10737418240", "<format type=\"qcow2\"/>")
                .doesNotContain("<key>", "/images/base.qcow2", "backingStore");
    }

    private static VolumeFacts volume(String name, String path, String format) {
        return new VolumeFacts(name, path, VolumeFacts.Kind.FILE, format, 1024, 0);
    }
}

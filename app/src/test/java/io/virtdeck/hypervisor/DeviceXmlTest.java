package io.virtdeck.hypervisor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The device XML of the disk actions: a shareable disk, a CD-ROM's medium changed or ejected, a copy's target. */
class DeviceXmlTest {

    private static final String DOMAIN = """
            <domain type='kvm'>
              <name>web</name>
              <uuid>11111111-1111-4111-8111-111111111111</uuid>
              <memory unit='KiB'>1048576</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64'>hvm</type></os>
              <devices>
                <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/a.qcow2'/>
                  <target dev='vda' bus='virtio'/></disk>
                <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='/i/install.iso'/>
                  <target dev='sda' bus='scsi'/><readonly/></disk>
              </devices>
            </domain>""";

    @Test
    void aSharedVolumeIsMarkedShareableAndReadBackSo() {
        String disk = DeviceXml.disk(DOMAIN, "fast", "shared.raw", "raw", true);
        assertThat(disk).contains("<shareable/>", "pool=\"fast\"", "volume=\"shared.raw\"", "dev=\"vdb\"");
        assertThat(DeviceXml.disk(DOMAIN, "fast", "own.raw", "raw", false)).doesNotContain("shareable");
        String domain = DOMAIN.replace("<readonly/></disk>", "<readonly/></disk>" + disk);
        assertThat(DomainXmlReader.read(domain).disks()).extracting(DiskFacts::target, DiskFacts::shareable)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("vda", false),
                        org.assertj.core.groups.Tuple.tuple("sda", false),
                        org.assertj.core.groups.Tuple.tuple("vdb", true));
    }

    @Test
    void aCdromGetsAPoolsImageAndIsEjectedToAnEmptyDrive() {
        String inserted = DeviceXml.cdromHolding(DOMAIN, "sda", "isos", "debian.iso").orElseThrow();
        assertThat(inserted).contains("type=\"volume\"", "pool=\"isos\"", "volume=\"debian.iso\"", "<readonly/>",
                "dev=\"sda\"").doesNotContain("install.iso");
        // libvirt wants <source> before <target>
        assertThat(inserted.indexOf("<source")).isLessThan(inserted.indexOf("<target"));
        String ejected = DeviceXml.cdromHolding(DOMAIN, "sda", null, null).orElseThrow();
        assertThat(ejected).contains("type=\"file\"", "device=\"cdrom\"", "dev=\"sda\"").doesNotContain("<source");
        assertThat(DeviceXml.cdromHolding(DOMAIN, "vda", null, null)).as("a disk is no CD-ROM").isEmpty();
    }

    @Test
    void aCopyWritesIntoTheVolumesFileOrDevice() {
        assertThat(DeviceXml.copyDestination(new VolumeFacts("a.qcow2", "/p/a.qcow2", VolumeFacts.Kind.FILE, "qcow2",
                64, 1), "qcow2")).contains("type=\"file\"", "file=\"/p/a.qcow2\"", "type=\"qcow2\"");
        assertThat(DeviceXml.copyDestination(new VolumeFacts("lv", "/dev/vg/lv", VolumeFacts.Kind.BLOCK, null, 64, 64),
                "raw")).contains("type=\"block\"", "dev=\"/dev/vg/lv\"", "type=\"raw\"");
    }

    @Test
    void aMovedDiskReadsItsNewVolumeByFileDeviceOrPoolAndNothingElseChanges() {
        VolumeFacts file = new VolumeFacts("a.qcow2", "/fast/a.qcow2", VolumeFacts.Kind.FILE, "qcow2", 64, 1);
        String moved = DeviceXml.withDiskMoved(DOMAIN, "vda", "fast", file);
        DomainXmlReader.DomainConfig read = DomainXmlReader.read(moved);
        assertThat(read.disks()).extracting(DiskFacts::target, DiskFacts::source, DiskFacts::format).containsExactly(
                org.assertj.core.groups.Tuple.tuple("vda", "/fast/a.qcow2", "qcow2"),
                org.assertj.core.groups.Tuple.tuple("sda", "/i/install.iso", "raw"));
        assertThat(moved.indexOf("/fast/a.qcow2")).as("<source> before <target>")
                .isLessThan(moved.indexOf("dev=\"vda\""));
        assertThat(read.name()).isEqualTo("web");

        VolumeFacts lv = new VolumeFacts("lv", "/dev/vg/lv", VolumeFacts.Kind.BLOCK, "qcow2", 64, 64);
        assertThat(DeviceXml.withDiskMoved(DOMAIN, "vda", "vg", lv)).contains("type=\"block\"",
                "dev=\"/dev/vg/lv\"").doesNotContain("/a.qcow2");
        String byPool = DOMAIN.replace("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source"
                + " file='/a.qcow2'/>", "<disk type='volume' device='disk'><driver name='qemu' type='qcow2'/><source"
                + " pool='images' volume='a.qcow2'/>");
        assertThat(DeviceXml.withDiskMoved(byPool, "vda", "fast", file)).contains("pool=\"fast\"",
                "volume=\"a.qcow2\"").doesNotContain("images");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DeviceXml.withDiskMoved(DOMAIN, "sda", "fast", file))
                .as("a CD-ROM is not moved").hasMessageContaining("no disk at sda");
    }
}

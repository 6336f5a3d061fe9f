package io.virtdeck.hypervisor;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The domain XML of a new guest in each hypervisor's shape. No Xen host is at hand, so the Xen shapes are proved here:
 * by what the XML holds, and by libvirt's own schema (virt-xml-validate, from libvirt-clients).
 */
class DomainXmlWriterTest {

    private static final UUID ID = UUID.fromString("0f0e0d0c-0b0a-4908-8706-050403020100");
    private static final DomainSpec.Disk ROOT = new DomainSpec.Disk(VolumeFacts.Kind.FILE,
            "/var/lib/libvirt/images/web-01-disk1.qcow2", "default", "web-01-disk1.qcow2", "qcow2");
    private static final DomainSpec.Disk DATA = new DomainSpec.Disk(VolumeFacts.Kind.BLOCK, "/dev/vg0/web-data",
            "vg0", "web-data", "raw");
    private static final DomainSpec.Disk ISO = new DomainSpec.Disk(VolumeFacts.Kind.FILE,
            "/var/lib/libvirt/images/debian.iso", "default", "debian.iso", "raw");
    private static final List<DomainSpec.BootDevice> CDROM_FIRST =
            List.of(DomainSpec.BootDevice.CDROM, DomainSpec.BootDevice.HD);

    @Test
    void kvmGuestsGetVirtioDevicesAcpiAndTheHostsCpuModel() throws Exception {
        GuestPlatform kvm = new GuestPlatform(GuestVirtualization.KVM, "x86_64", "q35", null, false, null);
        Document xml = written(spec(kvm, false, true));

        assertThat(text(xml, "/domain/@type")).isEqualTo("kvm");
        assertThat(text(xml, "/domain/name")).isEqualTo("web-01");
        assertThat(text(xml, "/domain/uuid")).isEqualTo(ID.toString());
        assertThat(text(xml, "/domain/memory")).isEqualTo("2048");
        assertThat(text(xml, "/domain/memory/@unit")).isEqualTo("MiB");
        assertThat(text(xml, "/domain/vcpu")).isEqualTo("2");
        assertThat(text(xml, "/domain/os/type")).isEqualTo("hvm");
        assertThat(text(xml, "/domain/os/type/@machine")).isEqualTo("q35");
        assertThat(text(xml, "/domain/os/type/@arch")).isEqualTo("x86_64");
        assertThat(values(xml, "/domain/os/boot/@dev")).containsExactly("cdrom", "hd");
        assertThat(count(xml, "/domain/os/loader")).isZero();
        assertThat(count(xml, "/domain/features/acpi")).isOne();
        assertThat(text(xml, "/domain/cpu/@mode")).isEqualTo("host-model");
        assertThat(values(xml, "//disk[@device='disk']/target/@dev")).containsExactly("vda", "vdb");
        assertThat(values(xml, "//disk[@device='disk']/target/@bus")).containsOnly("virtio");
        assertThat(text(xml, "//disk[target/@dev='vda']/source/@file")).isEqualTo(ROOT.path());
        assertThat(text(xml, "//disk[target/@dev='vda']/driver/@type")).isEqualTo("qcow2");
        assertThat(text(xml, "//disk[target/@dev='vdb']/@type")).isEqualTo("block");
        assertThat(text(xml, "//disk[target/@dev='vdb']/source/@dev")).isEqualTo("/dev/vg0/web-data");
        assertThat(text(xml, "//disk[@device='cdrom']/target/@bus")).isEqualTo("sata");
        assertThat(count(xml, "//disk[@device='cdrom']/readonly")).isOne();
        assertThat(values(xml, "//interface/source/@network")).containsExactly("default", "backend");
        assertThat(values(xml, "//interface/model/@type")).containsOnly("virtio");
        assertThat(text(xml, "//graphics/@type")).isEqualTo("vnc");
        assertThat(text(xml, "//graphics/@autoport")).isEqualTo("yes");
        assertThat(text(xml, "//video/model/@type")).isEqualTo("virtio");
        assertThat(text(xml, "//channel/target/@name")).isEqualTo("org.qemu.guest_agent.0");
        LibvirtSchema.assertValid(SafeXml.toXml(xml.getDocumentElement()), "domain");
    }

    @Test
    void qemuEmulationHasNoHostCpuAndUefiLetsLibvirtPickTheFirmware() throws Exception {
        GuestPlatform qemu = new GuestPlatform(GuestVirtualization.QEMU, "x86_64", "q35", null, true, null);
        Document xml = written(spec(qemu, true, false));

        assertThat(text(xml, "/domain/@type")).isEqualTo("qemu");
        assertThat(count(xml, "/domain/cpu")).isZero();
        assertThat(text(xml, "/domain/os/@firmware")).isEqualTo("efi");
        assertThat(count(xml, "//graphics")).as("graphics off").isZero();
        assertThat(count(xml, "//video")).isZero();
        LibvirtSchema.assertValid(SafeXml.toXml(xml.getDocumentElement()), "domain");
    }

    @Test
    void xenHvmBootsThroughHvmloaderWithXenBusDisksAndAnIdeCdrom() throws Exception {
        GuestPlatform hvm = new GuestPlatform(GuestVirtualization.XEN_HVM, "x86_64", null,
                "/usr/lib/xen/boot/hvmloader", false, null);
        Document xml = written(spec(hvm, false, true));

        assertThat(text(xml, "/domain/@type")).isEqualTo("xen");
        assertThat(text(xml, "/domain/os/type")).isEqualTo("hvm");
        assertThat(text(xml, "/domain/os/loader")).isEqualTo("/usr/lib/xen/boot/hvmloader");
        assertThat(values(xml, "/domain/os/boot/@dev")).containsExactly("cdrom", "hd");
        assertThat(count(xml, "/domain/features/acpi")).isOne();
        assertThat(count(xml, "/domain/features/pae")).isOne();
        assertThat(count(xml, "/domain/bootloader")).isZero();
        assertThat(values(xml, "//disk[@device='disk']/target/@dev")).containsExactly("xvda", "xvdb");
        assertThat(values(xml, "//disk[@device='disk']/target/@bus")).containsOnly("xen");
        assertThat(text(xml, "//disk[@device='cdrom']/target/@dev")).isEqualTo("hdc");
        assertThat(text(xml, "//disk[@device='cdrom']/target/@bus")).isEqualTo("ide");
        assertThat(count(xml, "//*[@type='virtio' or @model='virtio' or @bus='virtio']")).as("no virtio").isZero();
        assertThat(count(xml, "//interface/model")).isZero();
        assertThat(count(xml, "/domain/cpu")).isZero();
        assertThat(text(xml, "//graphics/@type")).isEqualTo("vnc");
        LibvirtSchema.assertValid(SafeXml.toXml(xml.getDocumentElement()), "domain");
    }

    @Test
    void xenHvmWithUefiNamesTheOvmfImage() throws Exception {
        GuestPlatform hvm = new GuestPlatform(GuestVirtualization.XEN_HVM, "x86_64", null,
                "/usr/lib/xen/boot/hvmloader", true, "/usr/lib/xen/boot/ovmf.bin");
        Document xml = written(spec(hvm, true, true));

        assertThat(values(xml, "/domain/os/loader")).containsExactly("/usr/lib/xen/boot/ovmf.bin");
        assertThat(text(xml, "/domain/os/loader/@type")).isEqualTo("pflash");
        assertThat(text(xml, "/domain/os/loader/@readonly")).isEqualTo("yes");
        LibvirtSchema.assertValid(SafeXml.toXml(xml.getDocumentElement()), "domain");
    }

    @Test
    void xenPvUsesPygrubAndXenBusesWithoutAcpiFirmwareOrBootOrder() throws Exception {
        GuestPlatform pv = new GuestPlatform(GuestVirtualization.XEN_PV, "x86_64", null, null, false, null);
        Document xml = written(spec(pv, false, true));

        assertThat(text(xml, "/domain/@type")).isEqualTo("xen");
        assertThat(text(xml, "/domain/bootloader")).isEqualTo("pygrub");
        assertThat(text(xml, "/domain/os/type")).isEqualTo("linux");
        assertThat(count(xml, "/domain/os/boot")).isZero();
        assertThat(count(xml, "/domain/os/loader")).isZero();
        assertThat(count(xml, "/domain/features")).isZero();
        assertThat(values(xml, "//disk/target/@bus")).containsOnly("xen");
        assertThat(values(xml, "//disk/target/@dev")).containsExactly("xvda", "xvdb", "xvdc");
        assertThat(count(xml, "//*[@type='virtio' or @model='virtio' or @bus='virtio' or @bus='usb']")).isZero();
        assertThat(text(xml, "//console/target/@type")).isEqualTo("xen");
        assertThat(text(xml, "//graphics/@type")).isEqualTo("vnc");
        LibvirtSchema.assertValid(SafeXml.toXml(xml.getDocumentElement()), "domain");
    }

    @Test
    void userTextIsEscapedByTheXmlLibraryNotSplicedIn() throws Exception {
        GuestPlatform kvm = new GuestPlatform(GuestVirtualization.KVM, "x86_64", null, null, false, null);
        DomainSpec.Disk odd = new DomainSpec.Disk(VolumeFacts.Kind.OTHER, null, "p'<o>\"ol", "v&l</source>", "raw");
        String xml = DomainXmlWriter.write(new DomainSpec(ID, "a<b>&'\"", kvm, 1, 64, List.of(odd), null,
                List.of("net'/><evil/>"), List.of(DomainSpec.BootDevice.HD), false, true));
        Document doc = SafeXml.parse(xml);

        assertThat(text(doc, "/domain/name")).isEqualTo("a<b>&'\"");
        assertThat(text(doc, "//disk/source/@pool")).isEqualTo("p'<o>\"ol");
        assertThat(text(doc, "//disk/source/@volume")).isEqualTo("v&l</source>");
        assertThat(text(doc, "//interface/source/@network")).isEqualTo("net'/><evil/>");
        assertThat(count(doc, "//evil")).isZero();
    }

    @Test
    void diskLettersGoOnPastZ() {
        assertThat(DomainXmlWriter.letter(0)).isEqualTo("a");
        assertThat(DomainXmlWriter.letter(25)).isEqualTo("z");
        assertThat(DomainXmlWriter.letter(26)).isEqualTo("aa");
        assertThat(DomainXmlWriter.letter(27)).isEqualTo("ab");
    }

    private static DomainSpec spec(GuestPlatform platform, boolean uefi, boolean vnc) {
        return new DomainSpec(ID, "web-01", platform, 2, 2048, List.of(ROOT, DATA), ISO,
                List.of("default", "backend"), CDROM_FIRST, uefi, vnc);
    }

    private static Document written(DomainSpec spec) {
        return SafeXml.parse(DomainXmlWriter.write(spec));
    }

    private static String text(Document xml, String xpath) throws XPathExpressionException {
        return XPathFactory.newInstance().newXPath().evaluate(xpath, xml);
    }

    private static List<String> values(Document xml, String xpath) throws XPathExpressionException {
        NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, xml, XPathConstants.NODESET);
        return java.util.stream.IntStream.range(0, nodes.getLength()).mapToObj(i -> nodes.item(i).getTextContent())
                .toList();
    }

    private static int count(Document xml, String xpath) throws XPathExpressionException {
        return values(xml, xpath).size();
    }

    private static void assertValidLibvirtXml(Document xml) throws IOException, InterruptedException {
        LibvirtSchema.assertValid(SafeXml.toXml(xml.getDocumentElement()), "domain");
    }
}

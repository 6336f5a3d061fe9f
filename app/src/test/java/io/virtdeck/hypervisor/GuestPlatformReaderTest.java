package io.virtdeck.hypervisor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a new guest is virtualized, chosen from capabilities as KVM, Xen and libvirt's test driver report them. */
class GuestPlatformReaderTest {

    static final String KVM_HOST = """
            <capabilities>
              <host><cpu><arch>x86_64</arch></cpu></host>
              <guest>
                <os_type>hvm</os_type>
                <arch name='i686'>
                  <machine>pc</machine><machine>q35</machine>
                  <domain type='qemu'/><domain type='kvm'/>
                </arch>
              </guest>
              <guest>
                <os_type>hvm</os_type>
                <arch name='x86_64'>
                  <emulator>/usr/bin/qemu-system-x86_64</emulator>
                  <machine maxCpus='255'>pc-i440fx-7.2</machine>
                  <machine canonical='pc-i440fx-7.2' maxCpus='255'>pc</machine>
                  <machine canonical='pc-q35-7.2' maxCpus='288'>q35</machine>
                  <domain type='qemu'/>
                  <domain type='kvm'/>
                </arch>
              </guest>
            </capabilities>""";

    static final String XEN_HOST = """
            <capabilities>
              <host><cpu><arch>x86_64</arch></cpu></host>
              <guest>
                <os_type>xen</os_type>
                <arch name='x86_64'><machine>xenpv</machine><domain type='xen'/></arch>
              </guest>
              <guest>
                <os_type>hvm</os_type>
                <arch name='x86_64'>
                  <emulator>/usr/lib/xen/bin/qemu-system-i386</emulator>
                  <loader>/usr/lib/xen/boot/hvmloader</loader>
                  <machine>xenfv</machine>
                  <domain type='xen'/>
                </arch>
              </guest>
            </capabilities>""";

    /** A Xen host on a CPU without VT-x/AMD-V: paravirtualized guests only. */
    static final String XEN_PV_HOST = """
            <capabilities>
              <host><cpu><arch>x86_64</arch></cpu></host>
              <guest>
                <os_type>xen</os_type>
                <arch name='x86_64'><machine>xenpv</machine><domain type='xen'/></arch>
              </guest>
            </capabilities>""";

    static final String QEMU_ONLY_HOST = """
            <capabilities>
              <host><cpu><arch>x86_64</arch></cpu></host>
              <guest>
                <os_type>hvm</os_type>
                <arch name='x86_64'><machine>pc</machine><machine>q35</machine><domain type='qemu'/></arch>
              </guest>
            </capabilities>""";

    static final String TEST_DRIVER = """
            <capabilities>
              <host><cpu><arch>i686</arch></cpu></host>
              <guest><os_type>hvm</os_type><arch name='i686'><domain type='test'/></arch></guest>
              <guest><os_type>xen</os_type><arch name='i686'><domain type='test'/></arch></guest>
            </capabilities>""";

    static final String KVM_DOMAIN_CAPABILITIES = """
            <domainCapabilities>
              <domain>kvm</domain><machine>pc-q35-7.2</machine><arch>x86_64</arch>
              <os supported='yes'>
                <enum name='firmware'><value>bios</value><value>efi</value></enum>
                <loader supported='yes'>
                  <value>/usr/share/OVMF/OVMF_CODE_4M.fd</value>
                  <enum name='type'><value>rom</value><value>pflash</value></enum>
                </loader>
              </os>
            </domainCapabilities>""";

    static final String XEN_DOMAIN_CAPABILITIES = """
            <domainCapabilities>
              <domain>xen</domain><machine>xenfv</machine><arch>x86_64</arch>
              <os supported='yes'>
                <loader supported='yes'>
                  <value>/usr/lib/xen/boot/hvmloader</value>
                  <value>/usr/lib/xen/boot/ovmf.bin</value>
                  <enum name='type'><value>rom</value><value>pflash</value></enum>
                </loader>
              </os>
            </domainCapabilities>""";

    static final String NO_UEFI_DOMAIN_CAPABILITIES = """
            <domainCapabilities>
              <os supported='yes'><enum name='firmware'><value>bios</value></enum><loader supported='no'/></os>
            </domainCapabilities>""";

    @Test
    void kvmIsChosenForTheHostsOwnArchitectureWithQ35() {
        GuestPlatform platform = GuestPlatformReader.choose(KVM_HOST);
        assertThat(platform.virtualization()).isEqualTo(GuestVirtualization.KVM);
        assertThat(platform.arch()).isEqualTo("x86_64");
        assertThat(platform.machine()).isEqualTo("q35");
        assertThat(platform.uefi()).isFalse();
    }

    @Test
    void withoutKvmQemuEmulates() {
        GuestPlatform platform = GuestPlatformReader.choose(QEMU_ONLY_HOST);
        assertThat(platform.virtualization()).isEqualTo(GuestVirtualization.QEMU);
        assertThat(platform.machine()).isEqualTo("q35");
    }

    @Test
    void xenHostsRunHvmWithItsLoaderAndPvWhereHvmIsMissing() {
        GuestPlatform hvm = GuestPlatformReader.choose(XEN_HOST);
        assertThat(hvm.virtualization()).isEqualTo(GuestVirtualization.XEN_HVM);
        assertThat(hvm.hvmLoader()).isEqualTo("/usr/lib/xen/boot/hvmloader");
        assertThat(hvm.machine()).isNull();

        GuestPlatform pv = GuestPlatformReader.choose(XEN_PV_HOST);
        assertThat(pv.virtualization()).isEqualTo(GuestVirtualization.XEN_PV);
        assertThat(GuestPlatformReader.withFirmware(pv, XEN_DOMAIN_CAPABILITIES).uefi()).isFalse();
    }

    @Test
    void theTestDriverStandsInForAQemuHost() {
        GuestPlatform platform = GuestPlatformReader.choose(TEST_DRIVER);
        assertThat(platform.virtualization()).isEqualTo(GuestVirtualization.QEMU);
        assertThat(platform.arch()).isEqualTo("i686");
        assertThat(platform.machine()).isNull();
    }

    @Test
    void uefiComesFromTheDomainCapabilities() {
        GuestPlatform kvm = GuestPlatformReader.withFirmware(GuestPlatformReader.choose(KVM_HOST),
                KVM_DOMAIN_CAPABILITIES);
        assertThat(kvm.uefi()).isTrue();
        assertThat(kvm.uefiLoader()).as("libvirt picks the image").isNull();

        GuestPlatform xen = GuestPlatformReader.withFirmware(GuestPlatformReader.choose(XEN_HOST),
                XEN_DOMAIN_CAPABILITIES);
        assertThat(xen.uefi()).isTrue();
        assertThat(xen.uefiLoader()).isEqualTo("/usr/lib/xen/boot/ovmf.bin");

        assertThat(GuestPlatformReader.withFirmware(GuestPlatformReader.choose(KVM_HOST), NO_UEFI_DOMAIN_CAPABILITIES)
                .uefi()).isFalse();
    }
}

package io.virtdeck.hypervisor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CapabilitiesReaderTest {

    @Test
    void readsCpuNumaAndGuestTypesOfAKvmHost() {
        String xml = """
                <capabilities>
                  <host>
                    <uuid>8a8e2b1c-0000-0000-0000-000000000000</uuid>
                    <cpu>
                      <arch>x86_64</arch>
                      <model>Skylake-Client-IBRS</model>
                      <vendor>Intel</vendor>
                      <topology sockets='1' dies='1' cores='4' threads='2'/>
                      <feature name='vmx'/>
                      <feature name='pdpe1gb'/>
                    </cpu>
                    <topology>
                      <cells num='2'>
                        <cell id='0'/><cell id='1'/>
                      </cells>
                    </topology>
                  </host>
                  <guest>
                    <os_type>hvm</os_type>
                    <arch name='x86_64'>
                      <domain type='qemu'/>
                      <domain type='kvm'/>
                    </arch>
                  </guest>
                  <guest>
                    <os_type>hvm</os_type>
                    <arch name='i686'><domain type='qemu'/><domain type='kvm'/></arch>
                  </guest>
                </capabilities>""";

        CapabilitiesReader.Capabilities caps = CapabilitiesReader.read(xml);

        assertThat(caps.cpuModel()).isEqualTo("Skylake-Client-IBRS");
        assertThat(caps.arch()).isEqualTo("x86_64");
        assertThat(caps.numaCells()).isEqualTo(2);
        assertThat(caps.guestDomainTypes()).containsExactly("qemu", "kvm");
        assertThat(caps.cpuFeatures()).containsExactly("vmx", "pdpe1gb");
        assertThat(caps.hardwareVirtualization()).isTrue();
    }

    @Test
    void aHostWithoutKvmOrVmxHasNoHardwareVirtualization() {
        String xml = "<capabilities><host><cpu><arch>x86_64</arch></cpu></host>"
                + "<guest><arch name='x86_64'><domain type='qemu'/></arch></guest></capabilities>";
        assertThat(CapabilitiesReader.read(xml).hardwareVirtualization()).isFalse();
    }

    @Test
    void cpuFlagsStatedAsElementsOfTheirOwnAreFeaturesToo() {
        String xml = """
                <capabilities><host><cpu><arch>i686</arch><features><pae/><nonpae/></features></cpu></host>
                </capabilities>""";

        assertThat(CapabilitiesReader.read(xml).cpuFeatures()).containsExactly("pae", "nonpae");
    }
}

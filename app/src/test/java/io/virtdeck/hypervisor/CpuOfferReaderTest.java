package io.virtdeck.hypervisor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Domain capabilities as libvirt 9.0 with QEMU under software emulation answers them (the lab's hosts). */
class CpuOfferReaderTest {

    private static final String DOMAIN_CAPABILITIES = """
            <domainCapabilities><domain>qemu</domain><arch>x86_64</arch>
              <cpu>
                <mode name='host-passthrough' supported='no'/>
                <mode name='maximum' supported='yes'/>
                <mode name='host-model' supported='yes'>
                  <model fallback='forbid'>EPYC</model>
                  <vendor>AMD</vendor>
                  <feature policy='require' name='acpi'/>
                  <feature policy='disable' name='vme'/>
                </mode>
                <mode name='custom' supported='yes'>
                  <model usable='yes' vendor='unknown'>qemu64</model>
                  <model usable='no' vendor='Intel'>Skylake-Server</model>
                  <model usable='yes' vendor='Intel'>Westmere</model>
                </mode>
              </cpu>
            </domainCapabilities>""";

    @Test
    void supportedModesAndUsableModelsOnly() {
        CpuOfferReader.Modes modes = CpuOfferReader.modes(DOMAIN_CAPABILITIES);

        assertThat(modes.modes()).containsExactly("host-model", "custom");
        assertThat(modes.models()).containsExactly("qemu64", "Westmere");
        assertThat(modes.hostModelCpuXml()).startsWith("<cpu").contains("<model fallback=\"forbid\">EPYC</model>")
                .contains("name=\"acpi\"");
    }

    @Test
    void requiredFeaturesAreTheHostsAndEveryNamedOneMayBeDisabled() {
        CpuOfferReader.Features features = CpuOfferReader.features("""
                <cpu mode='custom'><model>EPYC</model><feature policy='require' name='sse4.2'/>
                  <feature policy='disable' name='vme'/><feature policy='require' name='acpi'/></cpu>""");

        assertThat(features.required()).containsExactly("acpi", "sse4.2");
        assertThat(features.named()).containsExactly("acpi", "sse4.2", "vme");
    }
}

package io.virtdeck.hypervisor;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CpuXmlTest {

    private static final String DOMAIN = """
            <domain type='kvm'><name>web</name><os><type arch='x86_64'>hvm</type></os>
              <cpu mode='host-passthrough'><topology sockets='1' dies='1' cores='2' threads='1'/></cpu>
              <devices/></domain>""";

    @Test
    void aNamedModelWithFeaturesReplacesTheCpuAndKeepsItsTopology() throws Exception {
        GuestCpu cpu = new GuestCpu(GuestCpu.Mode.CUSTOM, "Westmere", List.of(
                new GuestCpu.Feature("avx2", GuestCpu.Policy.REQUIRE),
                new GuestCpu.Feature("vmx", GuestCpu.Policy.DISABLE)));

        String written = CpuXml.write(DOMAIN, cpu);

        assertThat(CpuXml.read(written)).isEqualTo(new DomainCpu("kvm", "x86_64", cpu));
        assertThat(written).contains("<topology cores=\"2\" dies=\"1\" sockets=\"1\" threads=\"1\"/>")
                .contains("<model fallback=\"forbid\">Westmere</model>");
        // libvirt's schema: model, then features, then topology
        assertThat(written.indexOf("<model")).isLessThan(written.indexOf("<feature"));
        assertThat(written.indexOf("<feature")).isLessThan(written.indexOf("<topology"));
        LibvirtSchema.assertValid(written.replace("<name>web</name>", "<name>web</name><memory>65536</memory>"),
                "domain");
    }

    @Test
    void theHostModesNameNoModelAndNullLeavesTheCpuToTheHypervisor() {
        String hostModel = CpuXml.write(DOMAIN, GuestCpu.of(GuestCpu.Mode.HOST_MODEL));
        assertThat(CpuXml.read(hostModel).cpu()).isEqualTo(GuestCpu.of(GuestCpu.Mode.HOST_MODEL));

        String none = CpuXml.write(DOMAIN, null);
        assertThat(CpuXml.read(none).cpu()).as("a topology alone names no CPU").isNull();
        assertThat(none).contains("<topology");
        String bare = CpuXml.write("<domain type='qemu'><name>x</name><devices/></domain>", null);
        assertThat(bare).doesNotContain("<cpu");
    }

    @Test
    void aModelOrFeatureNameIsTextForTheXmlLibraryNeverMarkup() {
        GuestCpu odd = new GuestCpu(GuestCpu.Mode.CUSTOM, "a</model><evil/>",
                List.of(new GuestCpu.Feature("x'/><evil/>", GuestCpu.Policy.REQUIRE)));

        String written = CpuXml.write(DOMAIN, odd);

        assertThat(written).doesNotContain("<evil/>");
        assertThat(CpuXml.read(written).cpu()).isEqualTo(odd);
    }
}

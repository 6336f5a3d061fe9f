package io.virtdeck.hypervisor;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LimitsXmlTest {

    private static final String DOMAIN = """
            <domain type='kvm'>
              <name>web</name>
              <memory unit='KiB'>1048576</memory>
              <vcpu>2</vcpu>
              <cputune><shares>512</shares></cputune>
              <devices>
                <disk type='file' device='disk'><source file='/a.qcow2'/><target dev='vda' bus='virtio'/>
                  <iotune><total_iops_sec>5</total_iops_sec></iotune></disk>
                <disk type='file' device='disk'><source file='/b.raw'/><target dev='vdb' bus='virtio'/></disk>
              </devices>
            </domain>""";

    private static final ResourceLimits LIMITS = new ResourceLimits(2048L, 50_000L, 100_000L, 2048L, 1024L, 500,
            List.of(new ResourceLimits.DiskIo("vdb", null, 100L, 200L, 10_485_760L, null, null)),
            List.of(new ResourceLimits.VcpuPin(0, "0-1"), new ResourceLimits.VcpuPin(1, "2")),
            new ResourceLimits.NumaPlacement("strict", "0"));

    @Test
    void writtenLimitsReadBackTheSameAndReplaceTheOldOnes() {
        String xml = LimitsXml.write(DOMAIN, LIMITS);
        assertThat(LimitsXml.read(xml)).isEqualTo(LIMITS);
        assertThat(xml).as("vda's old cap is gone").doesNotContain("total_iops_sec")
                .contains("<hard_limit unit=\"KiB\">2097152</hard_limit>");
        // libvirt's schema: tuning before <devices>
        assertThat(xml.indexOf("<cputune>")).isLessThan(xml.indexOf("<devices>"));
        assertThat(xml.indexOf("<numatune>")).isLessThan(xml.indexOf("<devices>"));
        assertThat(xml).contains("<name>web</name>").contains("/a.qcow2");
    }

    @Test
    void noLimitsLeaveNoTuningElements() {
        String xml = LimitsXml.write(DOMAIN, ResourceLimits.NONE);
        assertThat(xml).doesNotContain("cputune").doesNotContain("memtune").doesNotContain("blkiotune")
                .doesNotContain("iotune").doesNotContain("numatune");
        assertThat(LimitsXml.read(xml)).isEqualTo(ResourceLimits.NONE);
    }
}

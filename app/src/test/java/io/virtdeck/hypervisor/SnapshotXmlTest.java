package io.virtdeck.hypervisor;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotXmlTest {

    @Test
    void anExternalSnapshotNamesEachOverlayAndTheMemoryFile() throws Exception {
        Map<String, String> overlays = new LinkedHashMap<>();
        overlays.put("vda", "/images/web.s1");
        overlays.put("vdb", "/images/data.s1");
        String xml = SnapshotXml.newExternalSnapshot("s1", "before <upgrade>", overlays, "/images/web.s1.mem");
        assertThat(xml).contains("<name>s1</name>", "<description>before &lt;upgrade&gt;</description>",
                "<memory file=\"/images/web.s1.mem\" snapshot=\"external\"/>",
                "<disk name=\"vda\" snapshot=\"external\" type=\"file\"><source file=\"/images/web.s1\"/></disk>",
                "<disk name=\"vdb\" snapshot=\"external\" type=\"file\"><source file=\"/images/data.s1\"/></disk>");
        LibvirtSchema.assertValid(xml, "domainsnapshot");
    }

    @Test
    void aDiskOnlyExternalSnapshotKeepsNoMemory() throws Exception {
        String xml = SnapshotXml.newExternalSnapshot("s2", null, Map.of("vda", "/images/web.s2"), null);
        assertThat(xml).contains("<memory snapshot=\"no\"/>").doesNotContain("<description");
        LibvirtSchema.assertValid(xml, "domainsnapshot");
    }

    @Test
    void whatLibvirtSaysOfAnExternalSnapshotIsRead() {
        SnapshotFacts facts = SnapshotXml.read("""
                <domainsnapshot>
                  <name>m1</name><state>running</state><creationTime>1795302709</creationTime>
                  <parent><name>m0</name></parent>
                  <memory snapshot='external' file='/images/web.m1.mem'/>
                  <disks><disk name='vda' snapshot='external' type='file'><source file='/images/web.m1'/></disk></disks>
                </domainsnapshot>""", "m1");
        assertThat(facts.external()).isTrue();
        assertThat(facts.withMemory()).isTrue();
        assertThat(facts.memoryFile()).isEqualTo("/images/web.m1.mem");
        assertThat(facts.current()).isTrue();
        assertThat(facts.parent()).isEqualTo("m0");

        SnapshotFacts internal = SnapshotXml.read("""
                <domainsnapshot><name>i1</name><state>shutoff</state><memory snapshot='no'/>
                  <disks><disk name='vda' snapshot='internal'/></disks></domainsnapshot>""", "m1");
        assertThat(internal.external()).isFalse();
        assertThat(internal.withMemory()).isFalse();
        assertThat(internal.memoryFile()).isNull();
    }
}

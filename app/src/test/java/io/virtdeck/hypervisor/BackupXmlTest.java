package io.virtdeck.hypervisor;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackupXmlTest {

    @Test
    void aFullPushBackupWritesEachDiskIntoItsFileAndLeavesTheOthersOut() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("vda", "/backups/web-1-vda.qcow2");
        files.put("vdb", "/backups/web & co-1-vdb.qcow2");
        String xml = BackupXml.backup(null, files, List.of("sda"));
        assertThat(xml).startsWith("<domainbackup mode=\"push\">").doesNotContain("<incremental")
                .contains("<disk backup=\"yes\" name=\"vda\" type=\"file\"><target file=\"/backups/web-1-vda.qcow2\"/>"
                                + "<driver type=\"qcow2\"/></disk>",
                        "<target file=\"/backups/web &amp; co-1-vdb.qcow2\"/>",
                        "<disk backup=\"no\" name=\"sda\"/>");
        LibvirtSchema.assertValid(xml, "domainbackup");
    }

    @Test
    void anIncrementalBackupNamesTheCheckpointItStartsFrom() throws Exception {
        String xml = BackupXml.backup("vd-7-3", Map.of("vda", "/backups/web-4-vda.qcow2"), List.of());
        assertThat(xml).contains("<incremental>vd-7-3</incremental>");
        LibvirtSchema.assertValid(xml, "domainbackup");
    }

    @Test
    void aCheckpointTracksTheBackedUpDisksOnly() throws Exception {
        String xml = BackupXml.checkpoint("vd-7-4", List.of("vda", "vdb"), List.of("sda"));
        assertThat(xml).contains("<name>vd-7-4</name>", "<disk checkpoint=\"bitmap\" name=\"vda\"/>",
                "<disk checkpoint=\"bitmap\" name=\"vdb\"/>", "<disk checkpoint=\"no\" name=\"sda\"/>");
        LibvirtSchema.assertValid(xml, "domaincheckpoint");
    }

    @Test
    void whatLibvirtSaysOfACheckpointIsRead() {
        CheckpointFacts facts = BackupXml.readCheckpoint("""
                <domaincheckpoint>
                  <name>cp2</name>
                  <parent><name>cp1</name></parent>
                  <creationTime>1796629083</creationTime>
                  <disks>
                    <disk name='vda' checkpoint='bitmap' bitmap='cp2'/>
                    <disk name='sda' checkpoint='no'/>
                  </disks>
                  <domain type='qemu'><name>tiny1</name></domain>
                </domaincheckpoint>""");
        assertThat(facts).isEqualTo(new CheckpointFacts("cp2", "cp1", Instant.ofEpochSecond(1796629083),
                List.of("vda")));
    }

    @Test
    void theFirstCheckpointHasNoParent() {
        assertThat(BackupXml.readCheckpoint("<domaincheckpoint><name>cp1</name><disks/></domaincheckpoint>").parent())
                .isNull();
    }
}

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

    @Test
    void aRestoredDiskIsAStandaloneQcow2V3ThatCanHoldBitmaps() {
        String xml = StorageXml.restoredCopyOf("""
                <volume type='file'>
                  <name>web-backup-1-2-vda.qcow2</name><key>/b/web-backup-1-2-vda.qcow2</key>
                  <capacity unit='bytes'>67108864</capacity><allocation unit='bytes'>200704</allocation>
                  <target><path>/b/web-backup-1-2-vda.qcow2</path><format type='qcow2'/><compat>0.10</compat></target>
                  <backingStore><path>/b/web-backup-1-1-vda.qcow2</path><format type='qcow2'/></backingStore>
                </volume>""", "web2-vda.qcow2");
        assertThat(xml).contains("<name>web2-vda.qcow2</name>", "<format type=\"qcow2\"/>", "<compat>1.1</compat>",
                "<capacity unit=\"bytes\">67108864</capacity>").doesNotContain("backingStore", "0.10", "<path>");
    }

    @Test
    void aFullBackupsTargetIsAnEmptyQcow2V3OfTheDisksSize() {
        assertThat(StorageXml.emptyVolume("t.qcow2", 67108864, "qcow2")).contains(
                "<capacity unit=\"bytes\">67108864</capacity>", "<format type=\"qcow2\"/><compat>1.1</compat>");
        assertThat(StorageXml.uploadTarget("u.img", 10)).doesNotContain("compat");
    }
}

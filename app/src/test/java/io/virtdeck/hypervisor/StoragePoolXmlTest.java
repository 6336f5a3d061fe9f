package io.virtdeck.hypervisor;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pool XML of every kind Virtdeck makes. Only directory pools can run on this machine, so the others are proved
 * here: element by element, and by libvirt's own schema (virt-xml-validate ... storagepool).
 */
class StoragePoolXmlTest {

    private static final UUID SECRET = UUID.fromString("2ec115d7-3a88-3ceb-bc12-0ac909a6fd87");

    @Test
    void aDirectoryPoolIsItsTargetDirectory() throws Exception {
        assertPool(new PoolSpec.Dir("images", "/srv/images"),
                "<pool type=\"dir\"><name>images</name><target><path>/srv/images</path></target></pool>");
    }

    @Test
    void aFileSystemPoolMountsItsDeviceWithTheGivenOrDetectedFormat() throws Exception {
        assertPool(new PoolSpec.Fs("fast", "/dev/sdb1", "/srv/fast", "xfs"),
                "<pool type=\"fs\"><name>fast</name><source><device path=\"/dev/sdb1\"/><format type=\"xfs\"/>"
                        + "</source><target><path>/srv/fast</path></target></pool>");
        assertPool(new PoolSpec.Fs("fast", "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4", "/srv/fast", null),
                "<pool type=\"fs\"><name>fast</name><source><device path=\"/dev/disk/by-id/wwn-0x5000c500a1b2c3d4\"/>"
                        + "<format type=\"auto\"/></source><target><path>/srv/fast</path></target></pool>");
    }

    @Test
    void anNfsPoolNamesServerExportAndMountPoint() throws Exception {
        assertPool(new PoolSpec.Netfs("shared", "nfs1.example.com", "/export/images", "/srv/shared"),
                "<pool type=\"netfs\"><name>shared</name><source><host name=\"nfs1.example.com\"/>"
                        + "<dir path=\"/export/images\"/><format type=\"nfs\"/></source>"
                        + "<target><path>/srv/shared</path></target></pool>");
    }

    @Test
    void anLvmPoolNamesItsVolumeGroupAndTheDevicesToBuildItFrom() throws Exception {
        assertPool(new PoolSpec.Logical("lvm", "vg_guests", List.of("/dev/sdc", "/dev/sdd")),
                "<pool type=\"logical\"><name>lvm</name><source><name>vg_guests</name><device path=\"/dev/sdc\"/>"
                        + "<device path=\"/dev/sdd\"/><format type=\"lvm2\"/></source>"
                        + "<target><path>/dev/vg_guests</path></target></pool>");
        assertPool(new PoolSpec.Logical("lvm", "vg_guests", List.of()),
                "<pool type=\"logical\"><name>lvm</name><source><name>vg_guests</name><format type=\"lvm2\"/>"
                        + "</source><target><path>/dev/vg_guests</path></target></pool>");
    }

    @Test
    void anIscsiPoolNamesItsTargetAndLogsInWithChapWhenGiven() throws Exception {
        assertPool(new PoolSpec.Iscsi("san", "san.example.com", 3260, "iqn.2024-01.com.example:storage.lun1",
                        new PoolSpec.Auth("initiator1", SECRET)),
                "<pool type=\"iscsi\"><name>san</name><source><host name=\"san.example.com\" port=\"3260\"/>"
                        + "<device path=\"iqn.2024-01.com.example:storage.lun1\"/>"
                        + "<auth type=\"chap\" username=\"initiator1\"><secret uuid=\"" + SECRET + "\"/></auth>"
                        + "</source><target><path>/dev/disk/by-path</path></target></pool>");
        assertPool(new PoolSpec.Iscsi("san", "192.168.1.20", 3261, "iqn.2024-01.com.example:storage", null),
                "<pool type=\"iscsi\"><name>san</name><source><host name=\"192.168.1.20\" port=\"3261\"/>"
                        + "<device path=\"iqn.2024-01.com.example:storage\"/></source>"
                        + "<target><path>/dev/disk/by-path</path></target></pool>");
    }

    @Test
    void anRbdPoolNamesEveryMonitorItsCephPoolAndItsCephxLogin() throws Exception {
        assertPool(new PoolSpec.Rbd("ceph", List.of(new PoolSpec.Monitor("mon1.example.com", 6789),
                        new PoolSpec.Monitor("mon2.example.com", null)), "libvirt-pool",
                        new PoolSpec.Auth("libvirt", SECRET)),
                "<pool type=\"rbd\"><name>ceph</name><source><host name=\"mon1.example.com\" port=\"6789\"/>"
                        + "<host name=\"mon2.example.com\"/><name>libvirt-pool</name>"
                        + "<auth type=\"ceph\" username=\"libvirt\"><secret uuid=\"" + SECRET + "\"/></auth>"
                        + "</source></pool>");
        assertPool(new PoolSpec.Rbd("ceph", List.of(new PoolSpec.Monitor("10.0.0.5", null)), "rbd", null),
                "<pool type=\"rbd\"><name>ceph</name><source><host name=\"10.0.0.5\"/><name>rbd</name></source>"
                        + "</pool>");
    }

    @Test
    void valuesAreEscapedByTheXmlLibraryNotPasted() {
        assertThat(StorageXml.newPool(new PoolSpec.Dir("a&b", "/srv/<x>")))
                .contains("<name>a&amp;b</name>").contains("<path>/srv/&lt;x&gt;</path>");
    }

    @Test
    void theTargetDirectoryIsReadBackAndAbsentForRbd() {
        assertThat(StorageXml.poolTarget(StorageXml.newPool(new PoolSpec.Netfs("s", "nfs1", "/e", "/srv/s"))))
                .isEqualTo("/srv/s");
        assertThat(StorageXml.poolTarget(StorageXml.newPool(new PoolSpec.Rbd("c",
                List.of(new PoolSpec.Monitor("mon1", null)), "rbd", null)))).isNull();
    }

    @Test
    void aNetworkPoolsSourceIsReadBackForFindingTheHostsThatShareIt() {
        assertThat(StorageXml.poolSource(StorageXml.newPool(new PoolSpec.Netfs("s", "nfs1", "/export/vms", "/srv/s"))))
                .isEqualTo("nfs1:/export/vms");
        assertThat(StorageXml.poolSource(StorageXml.newPool(new PoolSpec.Iscsi("t", "san1", 3260,
                "iqn.2024-01.example:disks", null)))).isEqualTo("san1:iqn.2024-01.example:disks");
        assertThat(StorageXml.poolSource(StorageXml.newPool(new PoolSpec.Dir("d", "/srv/d")))).isNull();
    }

    @Test
    void aVolumesModificationTimeIsReadToTheNanosecond() {
        String volume = "<volume type='file'><name>virtdeck-heartbeat-lab1</name><target><path>/srv/hb/x</path>"
                + "<timestamps><atime>1765101200.5</atime><mtime>%s</mtime></timestamps></target></volume>";
        assertThat(StorageXml.modifiedAt(volume.formatted("1765101234.123456789")))
                .contains(java.time.Instant.ofEpochSecond(1765101234, 123456789));
        assertThat(StorageXml.modifiedAt(volume.formatted("1765101234.5")))
                .contains(java.time.Instant.ofEpochSecond(1765101234, 500000000));
        assertThat(StorageXml.modifiedAt(volume.formatted("1765101234"))).contains(java.time.Instant.ofEpochSecond(
                1765101234));
        assertThat(StorageXml.modifiedAt("<volume><name>v</name><target><path>/default-pool/v</path></target>"
                + "</volume>")).isEmpty();
    }

    private static void assertPool(PoolSpec spec, String expected) throws Exception {
        String xml = StorageXml.newPool(spec);
        assertThat(xml).isEqualTo(expected);
        assertThat(StorageXml.poolType(xml)).isEqualTo(spec.type());
        LibvirtSchema.assertValid(xml, "storagepool");
    }
}

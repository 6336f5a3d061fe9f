package io.virtdeck.storage;

import java.util.List;
import java.util.UUID;

import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.PoolSpec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pool a request describes, or the 400 naming its field; requests written as the API receives them. */
class PoolChecksTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void eachTypeBecomesItsPoolWithDefaultsFilledIn() {
        assertThat(PoolChecks.toPool(request("{'name':'images','type':'dir','path':'/srv/images'}")))
                .isEqualTo(new PoolSpec.Dir("images", "/srv/images"));
        assertThat(PoolChecks.toPool(request("{'name':'san','type':'iscsi','host':'san1.example.com',"
                + "'iqn':'iqn.2024-01.com.example:storage.lun1'}")))
                .isEqualTo(new PoolSpec.Iscsi("san", "san1.example.com", 3260, "iqn.2024-01.com.example:storage.lun1",
                        null));
        assertThat(PoolChecks.toPool(request("{'name':'ceph','type':'rbd','monitors':['mon1:6789','mon2'],"
                + "'cephPool':'libvirt-pool','cephUser':'libvirt',"
                + "'secretUuid':'2ec115d7-3a88-3ceb-bc12-0ac909a6fd87'}")))
                .isEqualTo(new PoolSpec.Rbd("ceph", List.of(new PoolSpec.Monitor("mon1", 6789),
                        new PoolSpec.Monitor("mon2", null)), "libvirt-pool", new PoolSpec.Auth("libvirt",
                        UUID.fromString("2ec115d7-3a88-3ceb-bc12-0ac909a6fd87"))));
    }

    @Test
    void aFieldOfAnotherTypeIsRefusedWithTheFieldsThisTypeTakes() {
        refused("{'name':'images','type':'dir','path':'/srv/images','iqn':'iqn.2024-01.com.example'}", "iqn",
                "iqn is not a field of a dir pool; it takes build, path.");
    }

    @Test
    void aTargetPathIsAbsoluteStaysPutAndKeepsOutOfTheHostsSystem() {
        refused("{'name':'images','type':'dir','path':'srv/images'}", "path", "path is an absolute path");
        refused("{'name':'images','type':'dir','path':'/srv/../etc'}", "path", "must not step up or sideways");
        refused("{'name':'images','type':'dir','path':'/etc/libvirt/images'}", "path",
                "path: /etc holds the host's own system");
    }

    @Test
    void remoteStorageNamesItsServerTargetAndCredentialsAsTheyAreWritten() {
        refused("{'name':'nfs','type':'netfs','host':'-nfs','exportPath':'/export','path':'/srv/nfs'}", "host",
                "host is a host name or IPv4 address");
        refused("{'name':'san','type':'iscsi','host':'san1','iqn':'iqn.2024-13.com.example'}", "iqn",
                "iqn is the target's iSCSI name");
        refused("{'name':'san','type':'iscsi','host':'san1','port':70000,'iqn':'iqn.2024-01.com.example'}", "port",
                "port must be between 1 and 65535.");
        refused("{'name':'san','type':'iscsi','host':'san1','iqn':'iqn.2024-01.com.example','chapUser':'chap'}",
                "secretUuid", "secretUuid is the UUID of the libvirt secret that holds chapUser's password");
        refused("{'name':'ceph','type':'rbd','monitors':['mon1:99999'],'cephPool':'rbd'}", "monitors",
                "monitors must be between 1 and 65535.");
    }

    @Test
    void buildingAnLvmPoolNeedsDevicesAndIsOffByDefaultForOneThatExists() {
        refused("{'name':'lvm','type':'logical','volumeGroup':'vg_guests','build':true}", "devices",
                "Building an LVM pool makes its volume group from devices");
        assertThat(PoolChecks.build(request("{'name':'lvm','type':'logical','volumeGroup':'vg_guests'}"))).isFalse();
        assertThat(PoolChecks.build(request("{'name':'images','type':'dir','path':'/srv/images'}"))).isTrue();
        refused("{'name':'lvm','type':'logical','volumeGroup':'-vg'}", "volumeGroup", "volumeGroup is the name of");
    }

    @Test
    void theNameAndTypeComeFirst() {
        refused("{'name':'.hidden','type':'dir','path':'/srv/images'}", "name", "name must start with a letter");
        refused("{'name':'images','type':'zfs'}", "type", "type is one of dir, fs, netfs, logical, iscsi or rbd.");
        refused("{'name':'disk','type':'fs','device':'/dev/sdb1','path':'/srv/disk','format':'ntfs'}", "format",
                "format is one of auto, ext2, ext3, ext4, gfs2, ocfs2, vfat, xfs (or left out for auto).");
    }

    /** A request as the API reads it: written with single quotes here for legibility. */
    private static PoolRequest request(String json) {
        return JSON.readValue(json.replace('\'', '"'), PoolRequest.class);
    }

    private static void refused(String json, String field, String message) {
        assertThatThrownBy(() -> PoolChecks.toPool(request(json)))
                .isInstanceOfSatisfying(VirtdeckException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(message);
                });
    }
}

package io.virtdeck.storage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Pools and volumes over REST against libvirt's test driver; what is made or deleted is checked with libvirt. */
@VirtdeckIntegrationTest
class StorageApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    StorageGateway libvirt;
    @Autowired
    JdbcClient jdbc;

    Api api;
    long host;

    @BeforeEach
    void host() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("storage-" + System.nanoTime(), TestHosts.smallHost());
        api.guestId(host, "gamma-build"); // synced: the guests' disks are known
    }

    @Test
    void poolsAndVolumesNameTheGuestsThatUseThem() {
        String pools = api.getJson("/api/v1/hosts/" + host + "/pools");
        assertThat(JsonPath.<List<String>>read(pools, "$[?(@.name == 'default')].type")).containsExactly("dir");
        assertThat(JsonPath.<List<Boolean>>read(pools, "$[?(@.name == 'default')].active")).containsExactly(true);
        String volumes = api.getJson("/api/v1/hosts/" + host + "/pools/default/volumes");
        assertThat(JsonPath.<List<List<String>>>read(volumes, "$[?(@.name == 'alpha-web.qcow2')].usedBy"))
                .containsExactly(List.of("alpha-web"));
        assertThat(JsonPath.<List<List<String>>>read(volumes, "$[?(@.name == 'install.iso')].usedBy").get(0))
                .contains("gamma-build");
    }

    @Test
    void aVolumeIsMadeAndDeletedAndOneInUseIsKept() throws Exception {
        mvc.perform(api.post("/api/v1/hosts/" + host + "/pools/default/volumes",
                        "{\"name\":\"data-1.qcow2\",\"sizeMiB\":64,\"format\":\"qcow2\"}"))
                .andExpect(status().isCreated()).andExpect(jsonPath("$.capacityMiB").value(64));
        assertThat(onHost()).contains("data-1.qcow2");
        mvc.perform(delete("/api/v1/hosts/" + host + "/pools/default/volumes/data-1.qcow2")
                .with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))).andExpect(status().isNoContent());
        assertThat(onHost()).doesNotContain("data-1.qcow2");

        mvc.perform(delete("/api/v1/hosts/" + host + "/pools/default/volumes/alpha-web.qcow2")
                        .with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))).andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString("alpha-web")));
        assertThat(onHost()).contains("alpha-web.qcow2");
    }

    @Test
    void aDirectoryPoolIsMadeAndStarted() throws Exception {
        mvc.perform(api.post("/api/v1/hosts/" + host + "/pools",
                        "{\"name\":\"fast\",\"type\":\"dir\",\"path\":\"/srv/fast-images\"}"))
                .andExpect(status().isCreated()).andExpect(jsonPath("$.active").value(true));
        assertThat(libvirt.pools(host)).anyMatch(p -> p.name().equals("fast") && p.active());
    }

    @Test
    void badInputIsRefusedNamingTheField() throws Exception {
        String volumes = "/api/v1/hosts/" + host + "/pools/default/volumes";
        refused(volumes, "{\"name\":\"bad name\",\"sizeMiB\":1}", 400, "name");
        refused(volumes, "{\"name\":\"v\",\"sizeMiB\":0}", 400, "sizeMiB");
        refused(volumes, "{\"name\":\"v\",\"sizeMiB\":1,\"format\":\"vmdk\"}", 400, "format");
        // JSON that cannot fill the request's field at all is named too
        mvc.perform(api.post(volumes, "{\"name\":\"v\",\"sizeMiB\":\"big\"}")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("sizeMiB"))
                .andExpect(jsonPath("$.message").value("sizeMiB must be a number."));
        refused(volumes + "/alpha-web.qcow2/resize", "{\"sizeMiB\":[1]}", 400, "sizeMiB");
        mvc.perform(api.post(volumes, "{\"name\":\"alpha-web.qcow2\",\"sizeMiB\":1}")).andExpect(status().isConflict());
        mvc.perform(api.post("/api/v1/hosts/" + host + "/pools/nope/volumes", "{\"name\":\"v\",\"sizeMiB\":1}"))
                .andExpect(status().isNotFound());
        String pools = "/api/v1/hosts/" + host + "/pools";
        refused(pools, "{\"name\":\"p\",\"type\":\"dir\",\"path\":\"relative/dir\"}", 400, "path");
        refused(pools, "{\"name\":\"p\",\"type\":\"dir\",\"path\":\"/srv/../etc\"}", 400, "path");
        refused(pools, "{\"name\":\"p\",\"type\":\"dir\",\"path\":\"/etc/libvirt\"}", 400, "path");
        mvc.perform(api.post(pools, "{\"name\":\"default\",\"type\":\"dir\",\"path\":\"/srv/x\"}"))
                .andExpect(status().isConflict());
        assertThat(libvirt.pools(host)).noneMatch(p -> p.name().equals("p"));
    }

    @Test
    void aDirectoryPoolIsStoppedBuiltStartedRefreshedSetToAutostartAndDeleted() throws Exception {
        String pools = "/api/v1/hosts/" + host + "/pools";
        mvc.perform(api.post(pools, "{\"name\":\"scratch\",\"type\":\"dir\",\"path\":\"/srv/scratch\"}"))
                .andExpect(status().isCreated()).andExpect(jsonPath("$.autostart").value(true))
                .andExpect(jsonPath("$.path").value("/srv/scratch"));
        mvc.perform(api.post(pools + "/scratch/stop", "")).andExpect(status().isOk())
                .andExpect(jsonPath("$.active").value(false));
        assertThat(onHost("scratch").active()).isFalse();
        mvc.perform(api.post(pools + "/scratch/refresh", "")).andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString("stopped")));
        mvc.perform(api.post(pools + "/scratch/build", "")).andExpect(status().isOk());
        mvc.perform(api.post(pools + "/scratch/start", "")).andExpect(status().isOk())
                .andExpect(jsonPath("$.active").value(true));
        assertThat(onHost("scratch").active()).isTrue();
        mvc.perform(api.post(pools + "/scratch/start", "")).andExpect(status().isConflict());
        mvc.perform(api.post(pools + "/scratch/build", "")).andExpect(status().isConflict());
        mvc.perform(api.post(pools + "/scratch/refresh", "")).andExpect(status().isOk());
        mvc.perform(put(pools + "/scratch/autostart").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"autostart\":false}"))
                .andExpect(status().isOk()).andExpect(jsonPath("$.autostart").value(false));
        assertThat(onHost("scratch").autostart()).isFalse();
        mvc.perform(put(pools + "/scratch/autostart").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))
                        .contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("autostart"));
        mvc.perform(delete(pools + "/scratch").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isNoContent());
        assertThat(libvirt.pools(host)).noneMatch(p -> p.name().equals("scratch"));
        assertThat(Api.audited(jdbc, "pool.stop", "scratch")).isOne();
        assertThat(Api.audited(jdbc, "pool.autostart.off", "scratch")).isOne();
        assertThat(Api.audited(jdbc, "pool.delete", "scratch")).isOne();
        mvc.perform(delete(pools + "/scratch").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isNotFound());
    }

    /** The test driver defines and starts every kind; real mounts, logins and volume groups are the host's part. */
    @Test
    void everyKindIsDefinedAndStartedOnTheHost() throws Exception {
        String pools = "/api/v1/hosts/" + host + "/pools";
        String secret = "2ec115d7-3a88-3ceb-bc12-0ac909a6fd87";
        List<String> requests = List.of(
                "{\"name\":\"fs1\",\"type\":\"fs\",\"device\":\"/dev/sdb1\",\"path\":\"/srv/fs1\","
                        + "\"format\":\"ext4\"}",
                "{\"name\":\"nfs1\",\"type\":\"netfs\",\"host\":\"nfs1.example.com\",\"exportPath\":\"/export/images\","
                        + "\"path\":\"/srv/nfs1\"}",
                "{\"name\":\"lvm1\",\"type\":\"logical\",\"volumeGroup\":\"vg_guests\",\"devices\":[\"/dev/sdc\"],"
                        + "\"build\":true}",
                "{\"name\":\"san1\",\"type\":\"iscsi\",\"host\":\"192.168.1.20\","
                        + "\"iqn\":\"iqn.2024-01.com.example:lun1\",\"chapUser\":\"initiator1\","
                        + "\"secretUuid\":\"" + secret + "\"}",
                "{\"name\":\"ceph1\",\"type\":\"rbd\",\"monitors\":[\"mon1.example.com:6789\",\"mon2.example.com\"],"
                        + "\"cephPool\":\"libvirt-pool\",\"cephUser\":\"libvirt\",\"secretUuid\":\"" + secret + "\"}");
        for (String request : requests) {
            mvc.perform(api.post(pools, request)).andExpect(status().isCreated())
                    .andExpect(jsonPath("$.active").value(true));
        }
        assertThat(libvirt.pools(host)).filteredOn(PoolFacts::active).extracting(PoolFacts::name, PoolFacts::type)
                .contains(tuple("fs1", "fs"), tuple("nfs1", "netfs"), tuple("lvm1", "logical"),
                        tuple("san1", "iscsi"), tuple("ceph1", "rbd"));
        assertThat(onHost("san1").path()).isEqualTo("/dev/disk/by-path");
        assertThat(onHost("ceph1").path()).isNull();
        for (String name : List.of("fs1", "nfs1", "lvm1", "san1", "ceph1")) {
            mvc.perform(delete(pools + "/" + name).with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                    .andExpect(status().isNoContent());
        }
        assertThat(libvirt.pools(host)).extracting(PoolFacts::name).containsExactly("default");
    }

    @Test
    void aPoolWithDisksOfGuestsIsNotStoppedWhileTheyRunNorDeletedWhileAnyHasOne() throws Exception {
        String pools = "/api/v1/hosts/" + host + "/pools";
        mvc.perform(api.post(pools + "/default/stop", "")).andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.allOf(
                        org.hamcrest.Matchers.containsString("alpha-web, beta-db"),
                        org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("gamma-build")))));
        mvc.perform(delete(pools + "/default").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString(
                        "alpha-web, beta-db, gamma-build")));
        assertThat(onHost("default").active()).isTrue();
        // refused before libvirt was asked: each refusal is audited as a failure with its reason, as guest actions are
        assertThat(jdbc.sql("SELECT action || ' ' || outcome || ': ' || detail FROM audit_events"
                        + " WHERE action IN ('pool.stop', 'pool.delete') AND object_name = 'default' ORDER BY id")
                .query(String.class).list()).satisfiesExactly(
                        stop -> assertThat(stop).startsWith("pool.stop FAILURE: Pool 'default' holds disks of"),
                        delete -> assertThat(delete).startsWith("pool.delete FAILURE: Pool 'default' holds disks of"));
    }

    /** A stopped pool cannot list its volumes: a guest's disk under its directory still keeps it. */
    @Test
    void aStoppedPoolIsNotDeletedWhileAShutOffGuestHasADiskInIt() throws Exception {
        String pools = "/api/v1/hosts/" + host + "/pools";
        mvc.perform(api.post(pools, "{\"name\":\"spare\",\"type\":\"dir\",\"path\":\"/srv/spare\"}"))
                .andExpect(status().isCreated());
        mvc.perform(api.post("/api/v1/hosts/" + host + "/guests",
                        "{\"name\":\"spare-user\",\"vcpus\":1,\"memoryMiB\":64,"
                                + "\"disks\":[{\"pool\":\"spare\",\"sizeMiB\":16}]}"))
                .andExpect(status().isCreated());
        api.guestId(host, "spare-user");
        mvc.perform(api.post(pools + "/spare/stop", "")).andExpect(status().isOk()); // the guest is shut off
        mvc.perform(delete(pools + "/spare").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString("spare-user")));
        assertThat(libvirt.pools(host)).anyMatch(p -> p.name().equals("spare"));
    }

    @Test
    void aBadPoolIsRefusedNamingTheFieldAndNothingIsDefined() throws Exception {
        String secret = "\"secretUuid\":\"2ec115d7-3a88-3ceb-bc12-0ac909a6fd87\"";
        String iscsi = "\"type\":\"iscsi\",\"host\":\"san1\",\"iqn\":\"iqn.2024-01.com.example:lun1\"";
        String rbd = "\"type\":\"rbd\",\"cephPool\":\"rbd\"";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("\"type\":\"zfs\"", "type");
        cases.put("\"path\":\"/srv/p\"", "type");
        cases.put("\"type\":\"dir\"", "path");
        cases.put("\"type\":\"dir\",\"path\":\"/srv/./p\"", "path");
        cases.put("\"type\":\"dir\",\"path\":\"/srv/p\",\"iqn\":\"iqn.2024-01.com.example:x\"", "iqn");
        cases.put("\"type\":\"fs\",\"device\":\"/tmp/disk.img\",\"path\":\"/srv/p\"", "device");
        cases.put("\"type\":\"fs\",\"device\":\"/dev/../etc/shadow\",\"path\":\"/srv/p\"", "device");
        cases.put("\"type\":\"fs\",\"device\":\"/dev/sdb1\",\"path\":\"/boot/p\"", "path");
        cases.put("\"type\":\"fs\",\"device\":\"/dev/sdb1\",\"path\":\"/srv/p\",\"format\":\"ntfs\"", "format");
        cases.put("\"type\":\"netfs\",\"exportPath\":\"/export\",\"path\":\"/srv/p\"", "host");
        cases.put("\"type\":\"netfs\",\"host\":\"nfs server\",\"exportPath\":\"/export\",\"path\":\"/srv/p\"", "host");
        cases.put("\"type\":\"netfs\",\"host\":\"-nfs.example.com\",\"exportPath\":\"/export\",\"path\":\"/srv/p\"",
                "host");
        cases.put("\"type\":\"netfs\",\"host\":\"nfs1\",\"exportPath\":\"export\",\"path\":\"/srv/p\"", "exportPath");
        cases.put("\"type\":\"netfs\",\"host\":\"nfs1\",\"exportPath\":\"/export/../..\",\"path\":\"/srv/p\"",
                "exportPath");
        cases.put("\"type\":\"netfs\",\"host\":\"nfs1\",\"exportPath\":\"/export\"", "path");
        cases.put("\"type\":\"logical\"", "volumeGroup");
        cases.put("\"type\":\"logical\",\"volumeGroup\":\"-vg\"", "volumeGroup");
        cases.put("\"type\":\"logical\",\"volumeGroup\":\"vg0\",\"devices\":[\"/etc/passwd\"]", "devices");
        cases.put("\"type\":\"logical\",\"volumeGroup\":\"vg0\",\"build\":true", "devices");
        cases.put("\"type\":\"logical\",\"volumeGroup\":\"vg0\",\"path\":\"/dev/vg0\"", "path");
        cases.put("\"type\":\"iscsi\",\"iqn\":\"iqn.2024-01.com.example:lun1\"", "host");
        cases.put("\"type\":\"iscsi\",\"host\":\"san1\",\"iqn\":\"storage-lun1\"", "iqn");
        cases.put("\"type\":\"iscsi\",\"host\":\"san1\",\"iqn\":\"iqn.2024-13.com.example:lun1\"", "iqn");
        cases.put(iscsi + ",\"port\":70000", "port");
        cases.put(iscsi + ",\"chapUser\":\"initiator1\"", "secretUuid");
        cases.put(iscsi + ",\"chapUser\":\"initiator1\",\"secretUuid\":\"not-a-uuid\"", "secretUuid");
        cases.put(iscsi + "," + secret, "chapUser");
        cases.put(iscsi + ",\"build\":true", "build");
        cases.put(rbd, "monitors");
        cases.put(rbd + ",\"monitors\":[\"mon1:99999\"]", "monitors");
        cases.put(rbd + ",\"monitors\":[\"mon 1\"]", "monitors");
        cases.put("\"type\":\"rbd\",\"monitors\":[\"mon1\"]", "cephPool");
        cases.put(rbd + ",\"monitors\":[\"mon1\"],\"cephUser\":\"client admin\"," + secret, "cephUser");
        for (Map.Entry<String, String> bad : cases.entrySet()) {
            mvc.perform(api.post("/api/v1/hosts/" + host + "/pools", "{\"name\":\"p\"," + bad.getKey() + "}"))
                    .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value(bad.getValue()))
                    .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString(bad.getValue())));
        }
        assertThat(libvirt.pools(host)).extracting(PoolFacts::name).containsExactly("default");
    }

    private PoolFacts onHost(String pool) {
        return libvirt.pools(host).stream().filter(p -> p.name().equals(pool)).findFirst().orElseThrow();
    }

    private void refused(String path, String json, int status, String field) throws Exception {
        mvc.perform(api.post(path, json)).andExpect(status().is(status)).andExpect(jsonPath("$.field").value(field));
    }

    private List<String> onHost() {
        return libvirt.volumes(host, "default").stream().map(VolumeFacts::name).toList();
    }
}

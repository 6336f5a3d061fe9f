package io.virtdeck.storage;

import java.nio.ByteBuffer;
import java.util.List;

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
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Uploads and downloads over REST against libvirt's test driver: every refusal comes before anything is made and
 * names the field; the test driver cannot stream volumes, so an accepted upload fails as a task and leaves nothing.
 */
@VirtdeckIntegrationTest
class VolumeContentApiTest {

    private static final byte[] QCOW2 = qcow2Header(0);

    @Autowired
    MockMvc mvc;
    @Autowired
    StorageGateway libvirt;
    @Autowired
    JdbcClient jdbc;

    long host;
    String volumes;

    @BeforeEach
    void host() throws Exception {
        Api api = new Api(mvc);
        host = api.registerHost("content-" + System.nanoTime(), TestHosts.smallHost());
        api.guestId(host, "alpha-web"); // synced: the guests' disks are known
        volumes = "/api/v1/hosts/" + host + "/pools/default/volumes/";
    }

    @Test
    void badUploadsAreRefusedNamingTheFieldAndLeaveNothingOnTheHost() throws Exception {
        refused(upload("..evil", QCOW2), 400, "volume");
        refused(upload("bad name", QCOW2), 400, "volume");
        refused(upload("new.qcow2", QCOW2).queryParam("format", "vmdk"), 400, "format");
        refused(upload("new.qcow2", new byte[0]), 400, "Content-Length");
        refused(put(volumes + "new.qcow2/content").with(admin()), 400, "Content-Length"); // no body, no length
        // the bytes are checked against the format they are sent as
        refused(upload("new.raw", QCOW2).queryParam("format", "raw"), 400, "format");
        refused(upload("new.qcow2", new byte[4096]), 400, "format");
        refused(upload("new.qcow2", vmdkHeader()).queryParam("format", "raw"), 400, "format");
        mvc.perform(upload("new.qcow2", qcow2Header(512))).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("format"))
                .andExpect(jsonPath("$.message").value(containsString("backing file")));
        // an encoded slash never reaches the service: the firewall refuses it
        mvc.perform(put(volumes + "..%2F..%2Fetc%2Fpasswd/content").with(admin())
                .contentType(MediaType.APPLICATION_OCTET_STREAM).content(QCOW2))
                .andExpect(status().isBadRequest());
        assertThat(onHost()).noneMatch(name -> name.startsWith("new") || name.contains("evil")
                || name.contains("passwd"));
    }

    @Test
    void aVolumeInUseIsNeitherReplacedNorDownloaded() throws Exception {
        mvc.perform(upload("alpha-web.qcow2", QCOW2)).andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(containsString("alpha-web")));
        mvc.perform(get(volumes + "alpha-web.qcow2/content").with(admin())).andExpect(status().isConflict());
        mvc.perform(get(volumes + "none.qcow2/content").with(admin())).andExpect(status().isNotFound());
        assertThat(onHost()).contains("alpha-web.qcow2");
    }

    @Test
    void anUploadTheHostCannotTakeFailsAsATaskAndLeavesNoVolume() throws Exception {
        mvc.perform(upload("fresh.qcow2", QCOW2)).andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(containsString("not supported")));
        assertThat(onHost()).doesNotContain("fresh.qcow2");
        assertThat(jdbc.sql("SELECT state FROM tasks WHERE type = 'volume.upload' AND object_id = :id")
                .param("id", host + "/default/fresh.qcow2").query(String.class).list()).containsExactly("FAILED");
        assertThat(Api.audited(jdbc, "volume.upload", "fresh.qcow2")).isEqualTo(1);
    }

    @Test
    void aDownloadThatFailsBeforeItsFirstByteAnswersWithTheReason() throws Exception {
        mvc.perform(new Api(mvc).post(volumes.substring(0, volumes.length() - 1),
                "{\"name\":\"spare.qcow2\",\"sizeMiB\":8}")).andExpect(status().isCreated());
        mvc.perform(get(volumes + "spare.qcow2/content").with(admin())).andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(containsString("not supported")));
        assertThat(jdbc.sql("SELECT state FROM tasks WHERE type = 'volume.download' AND object_id = :id")
                .param("id", host + "/default/spare.qcow2").query(String.class).list()).containsExactly("FAILED");
    }

    @Test
    void theStoragePageUploadsWithItsCsrfTokenAndItsDownloadRefusalIsAPage() throws Exception {
        String page = "/hosts/" + host + "/storage/default/volumes/";
        var operator = user("p-operator").roles("OPERATOR");
        mvc.perform(put(page + "new.qcow2/content").with(operator).content(QCOW2)).andExpect(status().isForbidden());
        mvc.perform(put(page + "new.qcow2/content").queryParam("format", "raw").with(operator).with(csrf())
                        .contentType(MediaType.APPLICATION_OCTET_STREAM).content(QCOW2))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("format"));
        mvc.perform(get(page + "alpha-web.qcow2/content").with(operator)).andExpect(status().isConflict())
                .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
                .andExpect(content().string(containsString("alpha-web")));
        assertThat(onHost()).doesNotContain("new.qcow2");
    }

    private MockHttpServletRequestBuilder upload(String volume, byte[] content) {
        return put(volumes + volume + "/content").with(admin()).contentType(MediaType.APPLICATION_OCTET_STREAM)
                .content(content);
    }

    private void refused(MockHttpServletRequestBuilder request, int status, String field) throws Exception {
        mvc.perform(request).andExpect(status().is(status)).andExpect(jsonPath("$.field").value(field));
    }

    private static org.springframework.test.web.servlet.request.RequestPostProcessor admin() {
        return httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD);
    }

    private List<String> onHost() {
        return libvirt.volumes(host, "default").stream().map(VolumeFacts::name).toList();
    }

    /** The first bytes of a qcow2 image; a non-zero {@code backingFileOffset} says it has a backing file. */
    private static byte[] qcow2Header(long backingFileOffset) {
        ByteBuffer header = ByteBuffer.allocate(1024);
        header.put(new byte[] {'Q', 'F', 'I', (byte) 0xfb}).putInt(3).putLong(backingFileOffset);
        return header.array();
    }

    private static byte[] vmdkHeader() {
        byte[] header = new byte[1024];
        System.arraycopy("KDMV".getBytes(), 0, header, 0, 4);
        return header;
    }
}

package io.virtdeck.storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static io.virtdeck.support.Commands.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Image import's refusals, with images made by qemu-img on the Virtdeck server and a test-driver host: each names the
 * field, and a refused image leaves nothing in the staging directory.
 */
@VirtdeckIntegrationTest
class ImageImportApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    ImportProperties properties;

    Api api;
    long host;
    String imports;

    @BeforeEach
    void host() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("import-" + System.nanoTime(), TestHosts.smallHost());
        imports = "/api/v1/hosts/" + host + "/imports";
    }

    @Test
    void requestsWithoutANameOrALengthAreRefused() throws Exception {
        mvc.perform(put(imports).with(admin()).content(new byte[10])).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("fileName"));
        refused(stage("../../etc/passwd", new byte[10]), "fileName");
        refused(stage("disk.raw", new byte[0]), "Content-Length");
        refused(mvc.perform(put(imports).queryParam("fileName", "disk.raw").with(admin())), "Content-Length");
    }

    @Test
    void imagesThatLeanOnOtherFilesOrHaveAnotherFormatAreRefusedAndNotKept(@TempDir Path dir) throws Exception {
        long stagedBefore = stagedDirectories();
        Path base = dir.resolve("base.qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", base.toString(), "8M");
        Path overlay = dir.resolve("overlay.qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "qcow2", overlay.toString());
        refused(stage("overlay.qcow2", Files.readAllBytes(overlay)), "format")
                .andExpect(jsonPath("$.message").value(containsString("backing file")));

        Path vdi = dir.resolve("disk.vdi");
        run("qemu-img", "create", "-q", "-f", "vdi", vdi.toString(), "8M");
        refused(stage("disk.vdi", Files.readAllBytes(vdi)), "format")
                .andExpect(jsonPath("$.message").value(containsString("vdi")));

        // a VMDK descriptor whose extent is a file of the server: converting it would copy that file into a disk
        String descriptor = """
                # Disk DescriptorFile
                version=1
                CID=fffffffe
                parentCID=ffffffff
                createType="monolithicFlat"
                RW 16 FLAT "/etc/hostname" 0
                ddb.virtualHWVersion = "4"
                """;
        refused(stage("sneaky.vmdk", descriptor.getBytes(StandardCharsets.US_ASCII)), "format")
                .andExpect(jsonPath("$.message").value(containsString("other files")));
        assertThat(stagedDirectories()).isEqualTo(stagedBefore);
    }

    @Test
    void aStagedImageIsShownThenChecksComeBeforeTheImport(@TempDir Path dir) throws Exception {
        Path raw = dir.resolve("disk.raw");
        run("qemu-img", "create", "-q", "-f", "raw", raw.toString(), "4M");
        String facts = stage("disk.raw", Files.readAllBytes(raw)).andExpect(status().isCreated())
                .andExpect(jsonPath("$.image.format").value("raw"))
                .andExpect(jsonPath("$.image.virtualSizeBytes").value(4 << 20))
                .andReturn().getResponse().getContentAsString();
        String one = imports + "/" + JsonPath.read(facts, "$.id");
        mvc.perform(get(one).with(admin())).andExpect(status().isOk());

        mvc.perform(api.post(one, "{\"name\":\"d\"}")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("pool"));
        mvc.perform(api.post(one, "{\"pool\":\"default\",\"name\":\"../etc\"}")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("name"));
        mvc.perform(api.post(one, "{\"pool\":\"default\",\"name\":\"alpha-web\"}")).andExpect(status().isConflict())
                .andExpect(jsonPath("$.field").value("name"));
        mvc.perform(api.post(one, "{\"pool\":\"nope\",\"name\":\"d\"}")).andExpect(status().isNotFound());
        mvc.perform(api.post(imports + "/no-such-image", "{\"pool\":\"default\",\"name\":\"d\"}"))
                .andExpect(status().isNotFound());

        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete(one).with(admin()))
                .andExpect(status().isNoContent());
        mvc.perform(get(one).with(admin())).andExpect(status().isNotFound());
    }

    private ResultActions stage(String fileName, byte[] content) throws Exception {
        return mvc.perform(put(imports).queryParam("fileName", fileName).with(admin())
                .contentType(MediaType.APPLICATION_OCTET_STREAM).content(content));
    }

    private static ResultActions refused(ResultActions result, String field) throws Exception {
        return result.andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value(field));
    }

    private long stagedDirectories() throws Exception {
        if (!Files.isDirectory(properties.stagingDir())) {
            return 0;
        }
        try (Stream<Path> entries = Files.list(properties.stagingDir())) {
            return entries.count();
        }
    }

    private static org.springframework.test.web.servlet.request.RequestPostProcessor admin() {
        return httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD);
    }
}

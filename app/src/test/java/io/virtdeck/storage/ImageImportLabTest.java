package io.virtdeck.storage;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Api;
import io.virtdeck.support.Browser;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckServerTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.virtdeck.support.Commands.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The V2V path on a real libvirtd (lab1's images pool): a VMDK made with qemu-img is staged, its facts read, and
 * imported as qcow2 with the same content (qemu-img compare); an OVA built here (a tar of a tiny OVF and a VMDK)
 * becomes a guest with the OVF's name, CPUs and memory.
 */
@VirtdeckServerTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageImportLabTest {

    private static final String OVA_GUEST = "ova-import-tiny";

    @LocalServerPort
    int port;

    private AdminApi api;
    private long lab1;

    @BeforeAll
    void lab1() throws Exception {
        api = new AdminApi(port);
        lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
        removeWhatWasMade();
    }

    @AfterAll
    void removeWhatWasMade() throws Exception {
        List<Number> guest = JsonPath.read(api.get("/api/v1/guests?host=" + lab1 + "&q=" + OVA_GUEST),
                "$.items[?(@.name == '" + OVA_GUEST + "')].id");
        for (Number id : guest) {
            api.call("DELETE", "/api/v1/guests/" + id + "?deleteDisks=true", null);
        }
        for (String volume : List.of("imported-vmdk.qcow2", "imported-page.qcow2", OVA_GUEST + "-disk1.qcow2")) {
            api.call("DELETE", "/api/v1/hosts/" + lab1 + "/pools/images/volumes/" + volume, null);
        }
    }

    @Test
    void aVmdkIsStagedShownAndImportedAsAnIdenticalQcow2(@TempDir Path dir) throws Exception {
        Path vmdk = knownVmdk(dir, "known.vmdk", "monolithicSparse");
        String facts = stage(vmdk, "known.vmdk");
        assertThat(JsonPath.<String>read(facts, "$.image.format")).isEqualTo("vmdk");
        assertThat(JsonPath.<Number>read(facts, "$.image.virtualSizeBytes").longValue()).isEqualTo(16L << 20);
        assertThat(JsonPath.<List<String>>read(facts, "$.image.backingChain")).isEmpty();
        String id = JsonPath.read(facts, "$.id");

        String task = finished(api.call("POST", "/api/v1/hosts/" + lab1 + "/imports/" + id,
                "{\"pool\":\"images\",\"name\":\"imported-vmdk\"}").body());
        assertThat(JsonPath.<String>read(task, "$.state")).as(task).isEqualTo("SUCCEEDED");
        assertThat(JsonPath.<String>read(task, "$.message")).contains("imported-vmdk.qcow2");
        String volumes = api.get("/api/v1/hosts/" + lab1 + "/pools/images/volumes");
        assertThat(JsonPath.<List<String>>read(volumes, "$[?(@.name == 'imported-vmdk.qcow2')].format"))
                .containsExactly("qcow2");
        String path = JsonPath.<List<String>>read(volumes, "$[?(@.name == 'imported-vmdk.qcow2')].path").get(0);
        assertThat(run("qemu-img", "compare", "-U", vmdk.toString(), path)).contains("Images are identical");
        assertThat(run("qemu-img", "info", "-U", path)).contains("file format: qcow2");
        // imported: no longer staged
        assertThat(api.call("GET", "/api/v1/hosts/" + lab1 + "/imports/" + id, null).statusCode()).isEqualTo(404);
    }

    @Test
    void anOvaBecomesAGuestWithTheOvfsNameCpusAndMemory(@TempDir Path dir) throws Exception {
        Path vmdk = knownVmdk(dir, "tiny-disk1.vmdk", "streamOptimized");
        Files.writeString(dir.resolve("tiny.ovf"), ovf(OVA_GUEST, 2, 96, "tiny-disk1.vmdk", 16L << 20));
        Path ova = dir.resolve("tiny.ova");
        // an OVA is a ustar archive with its descriptor first
        run("tar", "--format=ustar", "-C", dir.toString(), "-cf", ova.toString(), "tiny.ovf", "tiny-disk1.vmdk");

        String facts = stage(ova, "tiny.ova");
        assertThat(JsonPath.<String>read(facts, "$.ovf.name")).isEqualTo(OVA_GUEST);
        assertThat(JsonPath.<Integer>read(facts, "$.ovf.cpus")).isEqualTo(2);
        assertThat(JsonPath.<Integer>read(facts, "$.ovf.memoryMiB")).isEqualTo(96);
        assertThat(JsonPath.<List<String>>read(facts, "$.ovf.disks[*].facts.format")).containsExactly("vmdk");
        String id = JsonPath.read(facts, "$.id");

        String task = finished(api.call("POST", "/api/v1/hosts/" + lab1 + "/imports/" + id,
                "{\"pool\":\"images\"}").body());
        assertThat(JsonPath.<String>read(task, "$.state")).as(task).isEqualTo("SUCCEEDED");
        long guest = api.guestIdOn(lab1, OVA_GUEST);
        String detail = api.get("/api/v1/guests/" + guest);
        assertThat(JsonPath.<Integer>read(detail, "$.vcpus")).isEqualTo(2);
        assertThat(JsonPath.<Integer>read(detail, "$.memoryMiB")).isEqualTo(96);
        String definition = Lab.virsh(Lab.LAB1, "dumpxml", OVA_GUEST);
        assertThat(definition).contains(OVA_GUEST + "-disk1.qcow2").contains("type='qcow2'");
        String path = JsonPath.<List<String>>read(api.get("/api/v1/hosts/" + lab1 + "/pools/images/volumes"),
                "$[?(@.name == '" + OVA_GUEST + "-disk1.qcow2')].path").get(0);
        assertThat(run("qemu-img", "compare", "-U", vmdk.toString(), path)).contains("Images are identical");
    }

    @Test
    void anOperatorSendsAVmdkOnTheImportPageSeesItsFactsAndImportsIt(@TempDir Path dir) throws Exception {
        Path vmdk = knownVmdk(dir, "page.vmdk", "monolithicSparse");
        try (Browser browser = Browser.start(port)) {
            WebDriver driver = browser.driver();
            browser.logIn(Api.ADMIN, Api.ADMIN_PASSWORD);
            browser.open("/hosts/" + lab1);
            browser.submitAndWait(driver.findElement(By.linkText("Import image…")));
            driver.findElement(By.id("upload-file")).sendKeys(vmdk.toString());
            browser.inView(driver.findElement(By.xpath("//button[text()='Send and show its facts']"))).click();
            browser.waitFor(Duration.ofMinutes(1), "the facts page",
                    () -> driver.getCurrentUrl().matches(".*/import/[0-9a-f-]{36}$"));
            browser.waitForLoaded();
            String facts = driver.findElement(By.cssSelector("table.facts")).getText();
            assertThat(facts).contains("vmdk").contains("16 MiB").contains("none: the image stands alone");
            driver.findElement(By.cssSelector("#import-pool option[value='images']")).click();
            driver.findElement(By.id("import-name")).sendKeys("imported-page");
            browser.screenshot("image-import-facts.png");

            browser.submitAndWait(browser.inView(driver.findElement(By.xpath("//button[text()='Import']"))));
            assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("Importing as task");
            browser.waitFor(Duration.ofMinutes(1), "the import task to succeed", () -> {
                browser.open("/tasks");
                return driver.findElement(By.cssSelector("table")).getText().lines()
                        .anyMatch(line -> line.contains("image.import") && line.contains("Succeeded"));
            });
            browser.screenshot("image-import-done.png");
        }
        String path = JsonPath.<List<String>>read(api.get("/api/v1/hosts/" + lab1 + "/pools/images/volumes"),
                "$[?(@.name == 'imported-page.qcow2')].path").get(0);
        assertThat(run("qemu-img", "compare", "-U", vmdk.toString(), path)).contains("Images are identical");
    }

    /** A 16 MiB disk with a known pattern over most of it, as a VMDK of the given subformat. */
    private static Path knownVmdk(Path dir, String name, String subformat) throws Exception {
        Path qcow2 = dir.resolve(name + ".source.qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", qcow2.toString(), "16M");
        run("qemu-io", "-c", "write -P 0x3c 2M 12M", qcow2.toString());
        Path vmdk = dir.resolve(name);
        run("qemu-img", "convert", "-O", "vmdk", "-o", "subformat=" + subformat, qcow2.toString(), vmdk.toString());
        return vmdk;
    }

    /** A minimal OVF 1.x descriptor: one disk, CPUs and memory (in MiB, "byte * 2^20"). */
    private static String ovf(String name, int cpus, int memoryMiB, String diskFile, long capacity) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"
                          xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
                          xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
                  <References><File ovf:id="file1" ovf:href="%s"/></References>
                  <DiskSection><Info>disks</Info>
                    <Disk ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:capacity="%d"/></DiskSection>
                  <VirtualSystem ovf:id="%s">
                    <Info>a tiny guest</Info><Name>%s</Name>
                    <VirtualHardwareSection><Info>hardware</Info>
                      <Item><rasd:ElementName>CPUs</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID>
                        <rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>%d</rasd:VirtualQuantity></Item>
                      <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
                        <rasd:ElementName>Memory</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID>
                        <rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>%d</rasd:VirtualQuantity></Item>
                      <Item><rasd:ElementName>disk</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
                        <rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceType>17</rasd:ResourceType></Item>
                    </VirtualHardwareSection>
                  </VirtualSystem>
                </Envelope>
                """.formatted(diskFile, capacity, name, name, cpus, memoryMiB);
    }

    private String stage(Path file, String fileName) throws Exception {
        HttpResponse<String> staged = api.putFile("/api/v1/hosts/" + lab1 + "/imports?fileName=" + fileName, file);
        assertThat(staged.statusCode()).as(staged.body()).isEqualTo(201);
        return staged.body();
    }

    private String finished(String accepted) throws Exception {
        Number task = JsonPath.read(accepted, "$.id");
        return api.finished(task.longValue(), Duration.ofMinutes(2));
    }
}

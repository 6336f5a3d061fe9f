package io.virtdeck.container;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.ConsoleClient;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckServerTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 25's acceptance on the lab: lab1's libvirtd registered a second time through its LXC URI, a container created
 * through Virtdeck from the lab's busybox root file system ($VIRTDECK_LAB_DIR/lxc-rootfs, read-only) with a NIC on
 * lab1's network `default`, started; through Virtdeck's serial console path it shows its console lines (the address
 * it leased, and a shell that answers), the lease shows on lab1's `default` through Virtdeck's API and libvirt's, and a
 * shutdown through Virtdeck stops it. The container and the second registration are removed afterwards.
 */
@VirtdeckServerTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerLabTest {

    private static final String LXC1 = "lxc+tcp://127.0.0.1:16601/system";
    private static final String NAME = "ct-lab";
    private static final Pattern ADDRESS = Pattern.compile("virtdeck-lxc: eth0 has address (\\d+\\.\\d+\\.\\d+\\.\\d+)");

    @LocalServerPort
    int port;

    private AdminApi api;
    private long lab1;
    private long lab1Lxc;

    @BeforeAll
    void lab1ServesLxc() throws Exception {
        api = new AdminApi(port);
        removeContainer(); // a run killed earlier may have left it
        lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
        lab1Lxc = api.hostIdOrRegister("lab1-lxc", LXC1);
        assertThat(JsonPath.<String>read(api.get("/api/v1/hosts/" + lab1Lxc), "$.capabilities.hypervisorType"))
                .isEqualTo("LXC");
    }

    @AfterAll
    void tidyUp() throws Exception {
        removeContainer();
        if (api != null && lab1Lxc > 0) {
            api.call("DELETE", "/api/v1/hosts/" + lab1Lxc, null);
        }
    }

    @Test
    void aBusyboxContainerBootsTakesALeaseAndStops() throws Exception {
        HttpResponse<String> created = api.call("POST", "/api/v1/hosts/" + lab1Lxc + "/containers", """
                {"name":"%s","vcpus":1,"memoryMiB":64,"rootDirectory":"%s","readOnlyRoot":true,"network":"default"}"""
                .formatted(NAME, Lab.DIR.resolve("lxc-rootfs")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long id = ((Number) JsonPath.read(created.body(), "$.id")).longValue();
        assertThat(JsonPath.<String>read(created.body(), "$.kind")).isEqualTo("CONTAINER");
        String mac = JsonPath.read(created.body(), "$.nics[0].mac");
        assertThat(Lab.virsh(LXC1, "dumpxml", NAME)).contains("<type arch='x86_64'>exe</type>");
        assertThat(api.get("/api/v1/guests?kind=CONTAINER&host=" + lab1Lxc)).contains("\"name\":\"" + NAME + "\"");

        long started = System.nanoTime();
        HttpResponse<String> start = api.call("POST", "/api/v1/guests/" + id + "/actions/start", "");
        assertThat(start.statusCode()).as(start.body()).isEqualTo(200);
        assertThat(JsonPath.<String>read(start.body(), "$.state")).isEqualTo("RUNNING");
        HttpResponse<String> ticket = api.call("POST", "/api/v1/guests/" + id + "/serial-console", "");
        assertThat(ticket.statusCode()).as(ticket.body()).isEqualTo(200);
        try (ConsoleClient console = ConsoleClient.open(port, JsonPath.read(ticket.body(), "$.url"), Map.of())) {
            String address = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> addressIn(text(console)), a -> a != null);
            System.out.printf("[lab] container %s started; its console said its address %s after %d ms%n", NAME,
                    address, (System.nanoTime() - started) / 1_000_000);
            assertThat(address).startsWith("192.168.150.");
            console.send("echo sum=$((6*7)) on $(hostname)\r".getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(15)).until(() -> text(console), t -> t.contains("sum=42 on " + NAME));

            String leases = "/api/v1/hosts/" + lab1 + "/networks/default/leases";
            List<String> leased = await().atMost(Duration.ofSeconds(30)).until(
                    () -> JsonPath.<List<String>>read(api.get(leases), "$[?(@.mac == '" + mac + "')].ip"),
                    ips -> ips.contains(address));
            assertThat(leased).contains(address);
            assertThat(Lab.virsh(Lab.LAB1, "net-dhcp-leases", "default")).as("libvirt's own view")
                    .contains(mac).contains(address);

            HttpResponse<String> shutdown = api.call("POST", "/api/v1/guests/" + id + "/actions/shutdown", "");
            assertThat(shutdown.statusCode()).as(shutdown.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> JsonPath.<String>read(
                    api.get("/api/v1/guests/" + id), "$.state"), "SHUTOFF"::equals);
            assertThat(Lab.virsh(LXC1, "domstate", NAME).trim()).isEqualTo("shut off");
            assertThat(text(console)).as("its init saw the shutdown signal").contains("virtdeck-lxc: stopping");
        }
        HttpResponse<String> deleted = api.call("DELETE", "/api/v1/guests/" + id, null);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(Lab.virsh(LXC1, "list", "--all", "--name")).doesNotContain(NAME);
    }

    private static String text(ConsoleClient console) throws InterruptedException {
        return new String(console.awaitBytes(0, Duration.ZERO), StandardCharsets.UTF_8);
    }

    private static String addressIn(String console) {
        Matcher found = ADDRESS.matcher(console);
        return found.find() ? found.group(1) : null;
    }

    private static void removeContainer() {
        Lab.virsh(LXC1, "destroy", NAME);
        Lab.virsh(LXC1, "undefine", NAME);
    }
}

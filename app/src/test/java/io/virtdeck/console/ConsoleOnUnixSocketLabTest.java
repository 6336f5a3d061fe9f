package io.virtdeck.console;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.core.Role;
import io.virtdeck.inventory.HostRegistry;
import io.virtdeck.security.InitialUsers;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.ConsoleClient;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckServerTest;
import io.virtdeck.support.WebSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A display with no TCP port at all, on a real libvirtd + QEMU: a copy of the tiny guest on lab1 whose VNC listens on
 * a UNIX socket of its host ({@code <listen type='socket'/>}). Through lab1's local socket (the URI
 * {@code qemu+unix:///system?socket=.../lab1/sock/libvirt-sock}, as qemu:///system is on a host of its own) libvirt
 * hands Virtdeck a socket connected to the display (virDomainOpenGraphicsFD) and the console shows QEMU's RFB
 * handshake and a framebuffer update through the proxy. Through lab1's TCP URI, over which libvirt passes no file
 * descriptors, the ticket is refused with that reason. The guest is destroyed and undefined afterwards, and the second
 * registration of lab1 removed.
 */
@VirtdeckServerTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleOnUnixSocketLabTest {

    private static final String PASSWORD = "socket-console-pw";
    private static final String GUEST = "tiny-vnc-socket";
    /** Before ServerInit, the proxy's side of the handshake: version, security types (None), SecurityResult. */
    private static final int BEFORE_SERVER_INIT = 12 + 2 + 4;

    @LocalServerPort
    int port;
    @Autowired
    InitialUsers initialUsers;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    HostRegistry hosts;

    private AdminApi api;
    private long overTcp;
    private long overLocalSocket;
    private long guestOverTcp;
    private long guestOverLocalSocket;

    @BeforeAll
    void aTinyGuestWhoseDisplayIsAUnixSocket() throws Exception {
        initialUsers.ensure(PASSWORD, "test", new InitialUsers.UserSpec("socket-helpdesk", Role.HELPDESK));
        api = new AdminApi(port);
        Lab.virsh(Lab.LAB1, "destroy", GUEST); // a run killed earlier may have left it
        Lab.virsh(Lab.LAB1, "undefine", GUEST);
        defineTinyWithDisplayOnSocket();
        String started = Lab.virsh(Lab.LAB1, "start", GUEST);
        assertThat(Lab.virsh(Lab.LAB1, "domstate", GUEST).trim()).as(started).isEqualTo("running");
        assertThat(Lab.virsh(Lab.LAB1, "domdisplay", GUEST)).startsWith("vnc+unix:///");
        overTcp = api.hostIdOrRegister("lab1", Lab.LAB1);
        // configured as virtdeck.bootstrap-hosts would: the API refuses a URI's socket parameter, rightly, as
        // pointing Virtdeck at a socket of the requester's choosing
        hosts.addIfUnknown("lab1-local", "qemu+unix:///system?socket=" + Lab.DIR.resolve("lab1/sock/libvirt-sock"));
        overLocalSocket = api.hostIdOrRegister("lab1-local", "unused: registered above");
        guestOverTcp = api.guestIdOn(overTcp, GUEST);
        guestOverLocalSocket = api.guestIdOn(overLocalSocket, GUEST);
        for (long guest : new long[] {guestOverTcp, guestOverLocalSocket}) {
            await().atMost(Duration.ofSeconds(30)).until(() -> JsonPath.read(api.get("/api/v1/guests/" + guest),
                    "$.state"), "RUNNING"::equals);
        }
    }

    @AfterAll
    void tidyUp() throws Exception {
        Lab.virsh(Lab.LAB1, "destroy", GUEST);
        Lab.virsh(Lab.LAB1, "undefine", GUEST);
        if (api != null && overLocalSocket > 0) {
            api.call("DELETE", "/api/v1/hosts/" + overLocalSocket, null);
        }
    }

    @Test
    void throughLibvirtsLocalSocketTheConsoleShowsTheDisplay() throws Exception {
        WebSession helpdesk = WebSession.login(port, "socket-helpdesk", PASSWORD);
        HttpResponse<String> issued = helpdesk.post("/guests/" + guestOverLocalSocket + "/console/ticket");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);

        long started = System.nanoTime();
        try (ConsoleClient console = ConsoleClient.open(port, JsonPath.read(issued.body(), "$.url"),
                Map.of("Cookie", helpdesk.cookieHeader()))) {
            assertThat(new String(console.awaitBytes(12, Duration.ofSeconds(15)), StandardCharsets.US_ASCII))
                    .isEqualTo("RFB 003.008\n");
            console.sayHello();
            byte[] serverInit = console.awaitBytes(BEFORE_SERVER_INIT + 24, Duration.ofSeconds(10));
            ByteBuffer init = ByteBuffer.wrap(serverInit, BEFORE_SERVER_INIT, 24);
            int width = init.getShort() & 0xffff;
            int height = init.getShort() & 0xffff;
            int bytesPerPixel = (init.get() & 0xff) / 8;
            int nameLength = ByteBuffer.wrap(serverInit, BEFORE_SERVER_INIT + 20, 4).getInt();
            int handshake = BEFORE_SERVER_INIT + 24 + nameLength;
            String name = new String(console.awaitBytes(handshake, Duration.ofSeconds(5)), BEFORE_SERVER_INIT + 24,
                    nameLength, StandardCharsets.UTF_8);
            assertThat(name).as("QEMU names its display after the guest").isEqualTo("QEMU (" + GUEST + ")");
            assertThat(width).isPositive();
            assertThat(height).isPositive();
            assertThat(bytesPerPixel).isPositive();
            long handshaken = System.nanoTime();

            // FramebufferUpdateRequest, not incremental, for the whole screen: QEMU sends all of it, Raw encoded
            console.send(ByteBuffer.allocate(10).put((byte) 3).put((byte) 0).putShort((short) 0).putShort((short) 0)
                    .putShort((short) width).putShort((short) height).array());
            byte[] header = console.awaitBytes(handshake + 4 + 12, Duration.ofSeconds(15));
            ByteBuffer update = ByteBuffer.wrap(header, handshake, 16);
            assertThat(update.get()).as("FramebufferUpdate").isEqualTo((byte) 0);
            update.get(); // padding
            assertThat(update.getShort() & 0xffff).as("rectangles").isPositive();
            int x = update.getShort() & 0xffff;
            int y = update.getShort() & 0xffff;
            int w = update.getShort() & 0xffff;
            int h = update.getShort() & 0xffff;
            int encoding = update.getInt();
            assertThat(encoding).as("Raw, the only encoding this client asked for").isZero();
            assertThat(x + w).isLessThanOrEqualTo(width);
            assertThat(y + h).isLessThanOrEqualTo(height);
            byte[] all = console.awaitBytes(handshake + 16 + w * h * bytesPerPixel, Duration.ofSeconds(20));
            System.out.printf("[lab] display on a UNIX socket through libvirt: handshake %d ms, a %dx%d screen's first"
                            + " rectangle %dx%d (%d bytes) %d ms later%n", (handshaken - started) / 1_000_000, width,
                    height, w, h, all.length - handshake - 16, (System.nanoTime() - handshaken) / 1_000_000);
            assertThat(Arrays.copyOfRange(all, 0, 12)).isEqualTo("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        }
        String opened = await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.sql("""
                        SELECT coalesce(string_agg(detail, ' | '), '') FROM audit_events
                        WHERE action = 'console.open' AND object_name = :name AND outcome = 'SUCCESS'""")
                .param("name", GUEST).query(String.class).single(), detail -> !detail.isEmpty());
        assertThat(opened).contains("UNIX socket /var/lib/libvirt/qemu/").contains("vnc.sock through libvirt");
    }

    @Test
    void overTcpTheTicketIsRefusedWithTheReason() throws Exception {
        WebSession helpdesk = WebSession.login(port, "socket-helpdesk", PASSWORD);
        HttpResponse<String> refused = helpdesk.post("/guests/" + guestOverTcp + "/console/ticket");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body()).contains("listens only on a UNIX socket of its host")
                .contains("libvirt cannot hand that socket to Virtdeck over TCP")
                .doesNotContain("test driver");
    }

    /** tiny1's kernel and initramfs, no disk, VNC on a UNIX socket libvirt chooses (in the domain's directory). */
    private static void defineTinyWithDisplayOnSocket() throws Exception {
        Path tiny = Lab.DIR.resolve("tiny");
        Path xml = Files.createTempFile(GUEST, ".xml");
        try {
            Files.writeString(xml, """
                    <domain type='qemu'>
                      <name>%s</name>
                      <memory unit='MiB'>128</memory>
                      <vcpu>1</vcpu>
                      <os>
                        <type arch='x86_64' machine='q35'>hvm</type>
                        <kernel>%s</kernel>
                        <initrd>%s</initrd>
                        <cmdline>console=ttyS0 quiet</cmdline>
                      </os>
                      <features><acpi/></features>
                      <devices>
                        <serial type='pty'/>
                        <console type='pty'/>
                        <graphics type='vnc'><listen type='socket'/></graphics>
                        <video><model type='vga'/></video>
                      </devices>
                    </domain>
                    """.formatted(GUEST, tiny.resolve("vmlinuz"), tiny.resolve("initrd.img")));
            String said = Lab.virsh(Lab.LAB1, "define", xml.toString());
            assertThat(Lab.virsh(Lab.LAB1, "list", "--all", "--name").lines()).as(said).contains(GUEST);
        } finally {
            Files.delete(xml);
        }
    }
}

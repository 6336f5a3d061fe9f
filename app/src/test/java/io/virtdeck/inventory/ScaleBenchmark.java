package io.virtdeck.inventory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.virtdeck.core.Role;
import io.virtdeck.core.Visible;
import io.virtdeck.hypervisor.ConnectionGateway;
import io.virtdeck.hypervisor.DomainAction;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.testdriver.SimulatedFleet;
import io.virtdeck.security.GrantRepository;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.UserAccountRepository;
import io.virtdeck.support.Browser;
import io.virtdeck.support.JvmFootprint;
import io.virtdeck.support.VirtdeckServerTest;
import io.virtdeck.support.WebSession;
import io.virtdeck.tag.TagService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fleet-size figures (issue 10): 1,000 simulated hosts with 50 guests each (50,000 guests), registered through the
 * REST API of a real server. Prints lines starting "[bench]" (docs/benchmarks.md); fails only when the work was not
 * done (hosts or guests missing, a page without its table), never on a timing. Run with scripts/bench-scale.sh, or
 * {@code mvn -B -pl app test -Pbenchmark -Dtest=ScaleBenchmark -Dsurefire.failIfNoSpecifiedTests=false};
 * {@code -Dscale.hosts=} and {@code -Dscale.guests=} change the size.
 *
 * <p>The periodic reconcile is pushed out of the way (1 h) so that the pass this class times is the only one; the
 * metrics sampler runs as configured by default (every 10 s), as it would on a real instance.
 */
@Tag("benchmark")
@VirtdeckServerTest
@TestPropertySource(properties = "virtdeck.reconcile-interval=1h")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleBenchmark {

    private static final int HOSTS = Integer.getInteger("scale.hosts", 1000);
    private static final int GUESTS_PER_HOST = Integer.getInteger("scale.guests", 50);
    private static final int CLIENTS = 4;
    private static final int CALLS_PER_CLIENT = 100;
    private static final int EVENTS = 50;
    private static final Pattern GUEST_EVENT = Pattern.compile("\"id\":(\\d+)");

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    InventorySync sync;
    @Autowired
    ConnectionGateway connectionGateway;
    @Autowired
    DomainGateway domainGateway;
    @Autowired
    HostService hostService;
    @Autowired
    HostRepository hostRepository;
    @Autowired
    GuestRepository guestRepository;
    @Autowired
    UserAccountRepository users;
    @Autowired
    GrantRepository grants;
    @Autowired
    PasswordEncoder passwords;
    @Autowired
    TagService tagService;

    private WebSession admin;
    /** The fleet's host files (67 MB at full size), removed after the run. */
    private Path dir;

    @BeforeAll
    void logIn() throws Exception {
        admin = WebSession.login(port, "admin", "admin-test-pw");
    }

    @Test
    @Order(1)
    void firstFullInventory() throws Exception {
        dir = Files.createTempDirectory("scale-bench");
        long writeStart = System.nanoTime();
        List<SimulatedFleet.SimulatedHostFile> files = SimulatedFleet.of(10, HOSTS, GUESTS_PER_HOST).writeTo(dir);
        System.out.printf("[bench] fleet files: %d hosts x %d guests written in %.1f s%n", HOSTS, GUESTS_PER_HOST,
                seconds(writeStart));
        JvmFootprint before = JvmFootprint.measure();

        // through the service POST /api/v1/hosts calls (each host probed once, then managed), without HTTP Basic's
        // bcrypt check of 1,000 requests, which would measure the password hash rather than the inventory
        long start = System.nanoTime();
        long expectedGuests = (long) HOSTS * GUESTS_PER_HOST;
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "admin", null, List.of(new SimpleGrantedAuthority("ROLE_ADMIN"))));
        try {
            for (SimulatedFleet.SimulatedHostFile file : files) {
                hostService.register(file.hostName(), file.uri());
            }
        } finally {
            SecurityContextHolder.clearContext();
        }
        double registered = seconds(start);
        awaitFullInventory(expectedGuests);
        System.out.printf("[bench] registering: %d hosts registered (HostService.register, one after another)"
                        + " in %.1f s; all CONNECTED and %d guests in PostgreSQL after %.1f s%n", HOSTS, registered,
                expectedGuests, seconds(start));
        System.out.printf("[bench] states: %s%n", jdbc.sql("SELECT state, count(*) FROM guests GROUP BY state ORDER"
                + " BY state").query().listOfRows());
        JvmFootprint after = JvmFootprint.measure();
        System.out.printf("[bench] threads: %d before registering, %d with %d hosts connected%n", before.threads(),
                after.threads(), HOSTS);
        jdbc.sql("VACUUM ANALYZE guests").update(); // what autovacuum does after a bulk insert
    }

    /**
     * As at a start with 1,000 hosts known and no guest rows yet: every host managed at once, as HostLeases does at
     * start for the hosts whose leases it takes (this instance keeps holding them all), until all are CONNECTED and
     * every guest is in PostgreSQL.
     */
    @Test
    @Order(2)
    void firstFullInventoryAtStart() throws Exception {
        List<Host> known = hostRepository.findAll();
        known.forEach(host -> connectionGateway.release(host.id()));
        jdbc.sql("DELETE FROM guests").update();
        jdbc.sql("UPDATE hosts SET state = 'CONNECTING'").update();
        long start = System.nanoTime();
        known.forEach(host -> connectionGateway.manage(host.id(), host.uri()));
        awaitFullInventory((long) HOSTS * GUESTS_PER_HOST);
        System.out.printf("[bench] first full inventory at start: %d known hosts managed at once; all CONNECTED and"
                + " %d guests in PostgreSQL after %.1f s%n", HOSTS, (long) HOSTS * GUESTS_PER_HOST, seconds(start));
        jdbc.sql("VACUUM ANALYZE guests").update();
    }

    private void awaitFullInventory(long expectedGuests) {
        // counting 50,000 guests is no cheap probe: every 100 ms is often enough
        await("every host connected and every guest in PostgreSQL (connected hosts, guests)")
                .atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> List.of(
                        jdbc.sql("SELECT count(*) FROM hosts WHERE state = 'CONNECTED'").query(Long.class).single(),
                        jdbc.sql("SELECT count(*) FROM guests").query(Long.class).single()),
                        counts -> counts.equals(List.of((long) HOSTS, expectedGuests)));
    }

    @Test
    @Order(3)
    void reconcilePass() {
        for (int pass = 1; pass <= 2; pass++) {
            long start = System.nanoTime();
            sync.reconcileAll().join();
            System.out.printf("[bench] reconcile pass %d (%d hosts, %d guests, nothing changed): %.1f s%n", pass,
                    HOSTS, (long) HOSTS * GUESTS_PER_HOST, seconds(start));
        }
    }

    @Test
    @Order(4)
    void guestListApiAndPageUnderConcurrentLoad() throws Exception {
        long hostId = jdbc.sql("SELECT min(id) FROM hosts").query(Long.class).single();
        List<String> queries = List.of("", "?sort=memory,desc", "?state=RUNNING&sort=host", "?q=web&sort=vcpus",
                "?host=" + hostId, "?page=40&sort=state", "?state=SHUTOFF&page=20&sort=-name", "?q=db-1",
                "?page=1999", "?state=PAUSED&sort=memory");
        GuestFilter all = new GuestFilter(null, null, null);
        queryAlone("", all, GuestSort.DEFAULT, 0, Visible.EVERYTHING);
        queryAlone("sort=memory,desc", all, GuestSort.parse("memory,desc"), 0, Visible.EVERYTHING);
        queryAlone("state=RUNNING&sort=host", new GuestFilter(null, DomainRunState.RUNNING, null),
                GuestSort.parse("host"), 0, Visible.EVERYTHING);
        queryAlone("q=web&sort=vcpus", new GuestFilter(null, null, "web"), GuestSort.parse("vcpus"), 0,
                Visible.EVERYTHING);
        queryAlone("host=" + hostId, new GuestFilter(hostId, null, null), GuestSort.DEFAULT, 0, Visible.EVERYTHING);
        queryAlone("page=1999", all, GuestSort.DEFAULT, 1999, Visible.EVERYTHING);
        queryAlone("page=1000 (the middle)", all, GuestSort.DEFAULT, 1000, Visible.EVERYTHING);
        keysetAlone("after= a cursor 25,000 rows deep, sort=memory,desc", GuestSort.parse("memory,desc"), 25_000);
        long namesStart = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            hostRepository.names(Visible.EVERYTHING, 101);
        }
        System.out.printf("[bench] the host filter's names (listed up to 100 hosts, a name field past): %.1f ms a call%n",
                (System.nanoTime() - namesStart) / 20 / 1e6);

        Visible restricted = restrictedUser();
        long restrictedHost = restricted.hostIds().get(0);
        long restrictedTotal = guestRepository.find(all, GuestSort.DEFAULT, null, 0, 1, restricted).page().total();
        int restrictedLastPage = (int) ((restrictedTotal - 1) / 25);
        System.out.printf("[bench] restricted user %s: grants on %d hosts and %d single guests (%d guests visible),"
                + " no role on '/'%n", RESTRICTED, restricted.hostIds().size(), restricted.guestIds().size(),
                restrictedTotal);
        queryAlone("restricted user", all, GuestSort.DEFAULT, 0, restricted);
        queryAlone("restricted user, sort=memory,desc", all, GuestSort.parse("memory,desc"), 0, restricted);
        queryAlone("restricted user, q=web&sort=vcpus", new GuestFilter(null, null, "web"), GuestSort.parse("vcpus"),
                0, restricted);
        queryAlone("restricted user, state=RUNNING&sort=host", new GuestFilter(null, DomainRunState.RUNNING, null),
                GuestSort.parse("host"), 0, restricted);
        queryAlone("restricted user, last page", all, GuestSort.DEFAULT, restrictedLastPage, restricted);
        List<String> restrictedQueries = queries.stream()
                .map(q -> q.replace("?host=" + hostId, "?host=" + restrictedHost)
                        .replace("?page=1999", "?page=" + restrictedLastPage))
                .toList();

        HttpClient http = HttpClient.newHttpClient();
        load("GET /api/v1/tasks?size=1 with HTTP Basic (the fixed cost of a REST call: bcrypt password check)",
                basic(http, "admin", "admin-test-pw"), List.of("/api/v1/tasks?size=1"),
                body -> assertThat(body).contains("\"total\""));
        load("GET /api/v1/guests with HTTP Basic", basic(http, "admin", "admin-test-pw"),
                prefixed("/api/v1/guests", queries), body -> assertThat(body).contains("\"total\""));
        load("GET /guests (the page, logged-in sessions)", sessions("admin", "admin-test-pw"),
                prefixed("/guests", queries), body -> assertThat(body).contains("guest-list"));
        load("restricted user: GET /api/v1/guests with HTTP Basic", basic(http, RESTRICTED, RESTRICTED_PASSWORD),
                prefixed("/api/v1/guests", restrictedQueries), body -> assertThat(body).contains("\"total\""));
        load("restricted user: GET /guests (the page, logged-in sessions)", sessions(RESTRICTED, RESTRICTED_PASSWORD),
                prefixed("/guests", restrictedQueries), body -> assertThat(body).contains("guest-list"));
    }

    private static final String RESTRICTED = "scoped-viewer";
    private static final String RESTRICTED_PASSWORD = "scoped-viewer-test-pw";

    /**
     * A user with no role on '/' and VIEWER grants on 20 hosts and on 300 single guests elsewhere (issue 9): what
     * their lists may show.
     */
    private Visible restrictedUser() {
        users.createIfAbsent(RESTRICTED, passwords.encode(RESTRICTED_PASSWORD), null);
        long user = grants.userId(RESTRICTED).orElseThrow();
        List<Long> hosts = jdbc.sql("SELECT id FROM hosts ORDER BY id DESC LIMIT 20").query(Long.class).list();
        List<Long> guests = jdbc.sql("""
                        SELECT id FROM guests WHERE NOT (host_id = ANY(:hosts)) ORDER BY id % 163, id LIMIT 300""")
                .param("hosts", hosts.toArray(new Long[0])).query(Long.class).list();
        hosts.forEach(host -> grants.insert(user, null, ObjectRef.host(host), Role.VIEWER, "bench"));
        guests.forEach(guest -> grants.insert(user, null, ObjectRef.guest(guest), Role.VIEWER, "bench"));
        return new Visible(false, hosts, guests);
    }

    private Caller basic(HttpClient http, String user, String password) {
        String basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
        return (path, client) -> http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", basic).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(5)
    void eventToBrowser() throws Exception {
        List<Map<String, Object>> picked = jdbc.sql("""
                        SELECT id, host_id, uuid FROM guests WHERE state = 'RUNNING' ORDER BY id LIMIT :n""")
                .param("n", EVENTS).query().listOfRows();
        Map<Long, Long> arrived = new ConcurrentHashMap<>();
        HttpResponse<Stream<String>> stream = admin.lines("/events");
        assertThat(stream.statusCode()).isEqualTo(200);
        Iterator<String> lines = stream.body().iterator();
        Thread reader = new Thread(() -> {
            boolean guestEvent = false;
            try {
                while (lines.hasNext()) {
                    String line = lines.next();
                    if (line.startsWith("event:")) {
                        guestEvent = line.substring(6).trim().equals("guest");
                    } else if (guestEvent && line.startsWith("data:")) {
                        Matcher id = GUEST_EVENT.matcher(line);
                        if (id.find()) {
                            arrived.putIfAbsent(Long.parseLong(id.group(1)), System.nanoTime());
                        }
                    }
                }
            } catch (java.io.UncheckedIOException e) {
                // the test closed the stream: reading is over
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();

        List<Long> millis = new ArrayList<>();
        for (DomainAction action : List.of(DomainAction.SUSPEND, DomainAction.RESUME)) {
            for (Map<String, Object> guest : picked) {
                long id = ((Number) guest.get("id")).longValue();
                arrived.remove(id);
                long sent = System.nanoTime();
                domainGateway.perform(((Number) guest.get("host_id")).longValue(), (UUID) guest.get("uuid"), action);
                long limit = sent + TimeUnit.SECONDS.toNanos(30);
                while (!arrived.containsKey(id) && System.nanoTime() < limit) {
                    Thread.sleep(1);
                }
                assertThat(arrived).as("an SSE event for guest " + id).containsKey(id);
                millis.add((arrived.get(id) - sent) / 1_000_000);
                Thread.sleep(100);
            }
        }
        stream.body().close();
        print("libvirt event to SSE client (suspend, then resume, through the gateway; " + millis.size() + " events)",
                millis);
    }

    @Test
    @Order(6)
    void guestListPageInChromium() throws Exception {
        try (Browser browser = Browser.start(port)) {
            browser.logIn("admin", "admin-test-pw");
            List<Long> ready = new ArrayList<>();
            List<Long> loaded = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                browser.open(i % 2 == 0 ? "/guests" : "/guests?sort=memory,desc&page=" + i % 4);
                browser.waitForLoaded();
                assertThat(browser.driver().findElements(By.cssSelector("section.guest-list table tbody tr")))
                        .hasSize(25);
                // navigation start to the table parsed (the server renders it: DOMContentLoaded), and to load
                @SuppressWarnings("unchecked")
                Map<String, Number> timing = (Map<String, Number>) browser.js().executeScript("""
                        const n = performance.getEntriesByType('navigation')[0];
                        return {ready: n.domContentLoadedEventEnd, load: n.loadEventEnd};""");
                if (i >= 2) { // the first two warm the browser's cache of scripts and styles
                    ready.add(timing.get("ready").longValue());
                    loaded.add(timing.get("load").longValue());
                }
            }
            browser.screenshot("scale-guest-list.png");
            print("guest list page in Chromium, navigation start to table present (DOMContentLoaded)", ready);
            print("guest list page in Chromium, navigation start to load event", loaded);
        }
    }

    private static final String TAG_DESK = "tag-desk";
    private static final String TAG_DESK_PASSWORD = "tag-desk-test-pw";

    /**
     * The list filtered by tags (V36's GIN index) and a help-desk user whose only grant is on a tag: every guest
     * carries a customer tag (1,000 guests each), one in seven {@code env:prod} (7,143; with customer-14: 143), ten
     * {@code rare}. The tags are written in one statement: tagging 50,000 guests one by one through the service would
     * time the audit trail, not the list.
     */
    @Test
    @Order(7)
    void guestListByTag() throws Exception {
        jdbc.sql("""
                UPDATE guests SET tags = ARRAY['customer-' || (id % 50)]
                    || CASE WHEN id % 7 = 0 THEN ARRAY['env:prod'] ELSE ARRAY[]::text[] END
                    || CASE WHEN id % 5000 = 0 THEN ARRAY['rare'] ELSE ARRAY[]::text[] END""").update();
        jdbc.sql("ANALYZE guests").update();
        System.out.printf("[bench] tags: %s%n", jdbc.sql("""
                SELECT string_agg(tag || ' ' || n, ', ' ORDER BY tag) FROM (SELECT t AS tag, count(*) AS n
                FROM guests, unnest(tags) t WHERE t IN ('customer-7', 'env:prod', 'rare') GROUP BY t) c""")
                .query(String.class).single());
        // the same run's figures without tags, to read the tag figures against (the machine's load varies)
        queryAlone("no filter (this run's baseline)", new GuestFilter(null, null, null), GuestSort.DEFAULT, 0,
                Visible.EVERYTHING);
        queryAlone("sort=memory,desc (this run's baseline)", new GuestFilter(null, null, null),
                GuestSort.parse("memory,desc"), 0, Visible.EVERYTHING);
        GuestFilter customer = new GuestFilter(null, null, null, List.of("customer-7"));
        GuestFilter prod = new GuestFilter(null, null, null, List.of("env:prod"));
        queryAlone("tag=customer-7 (1,000 guests)", customer, GuestSort.DEFAULT, 0, Visible.EVERYTHING);
        queryAlone("tag=customer-7, last page", customer, GuestSort.DEFAULT, 39, Visible.EVERYTHING);
        queryAlone("tag=env:prod (7,143 guests), sort=memory,desc", prod, GuestSort.parse("memory,desc"), 0,
                Visible.EVERYTHING);
        queryAlone("tag=env:prod&tag=customer-14 (all must match: 143)",
                new GuestFilter(null, null, null, List.of("env:prod", "customer-14")), GuestSort.DEFAULT, 0,
                Visible.EVERYTHING);
        queryAlone("tag=rare (10 guests)", new GuestFilter(null, null, null, List.of("rare")), GuestSort.DEFAULT, 0,
                Visible.EVERYTHING);
        queryAlone("tag=env:prod&state=RUNNING&sort=host", new GuestFilter(null, DomainRunState.RUNNING, null,
                List.of("env:prod")), GuestSort.parse("host"), 0, Visible.EVERYTHING);
        Visible byTag = new Visible(false, List.of(), List.of(), List.of("customer-7"));
        queryAlone("granted on /tags/customer-7 (1,000 visible)", new GuestFilter(null, null, null),
                GuestSort.DEFAULT, 0, byTag);
        queryAlone("granted on /tags/customer-7, sort=memory,desc", new GuestFilter(null, null, null),
                GuestSort.parse("memory,desc"), 0, byTag);
        queryAlone("granted on /tags/customer-7, q=web", new GuestFilter(null, null, "web"), GuestSort.DEFAULT, 0,
                byTag);

        users.createIfAbsent(TAG_DESK, passwords.encode(TAG_DESK_PASSWORD), null);
        grants.insert(grants.userId(TAG_DESK).orElseThrow(), null, ObjectRef.tag("customer-7"), Role.HELPDESK,
                "bench");
        HttpClient http = HttpClient.newHttpClient();
        load("this run's baseline: GET /api/v1/guests with HTTP Basic, no tags", basic(http, "admin", "admin-test-pw"),
                prefixed("/api/v1/guests", List.of("", "?sort=memory,desc", "?state=RUNNING&sort=host", "?page=1999")),
                body -> assertThat(body).contains("\"total\""));
        List<String> tagQueries = List.of("?tag=customer-7", "?tag=env:prod&sort=memory,desc",
                "?tag=env:prod&tag=customer-14", "?tag=rare", "?tag=customer-7&page=39", "?tag=env:prod&state=RUNNING");
        load("tag filters: GET /api/v1/guests with HTTP Basic", basic(http, "admin", "admin-test-pw"),
                prefixed("/api/v1/guests", tagQueries), body -> assertThat(body).contains("\"total\""));
        load("tag filters: GET /guests (the page, logged-in sessions)", sessions("admin", "admin-test-pw"),
                prefixed("/guests", tagQueries), body -> assertThat(body).contains("guest-list"));
        List<String> deskQueries = List.of("", "?sort=memory,desc", "?q=web", "?page=39", "?tag=env:prod");
        load("help desk granted on /tags/customer-7: GET /api/v1/guests with HTTP Basic",
                basic(http, TAG_DESK, TAG_DESK_PASSWORD), prefixed("/api/v1/guests", deskQueries),
                body -> assertThat(body).contains("\"total\""));
        load("help desk granted on /tags/customer-7: GET /guests (the page)", sessions(TAG_DESK, TAG_DESK_PASSWORD),
                prefixed("/guests", deskQueries), body -> assertThat(body).contains("guest-list"));
        load("GET /api/v1/tags (the tags in use over 50,000 guests; counted at most every 10 s)",
                basic(http, "admin", "admin-test-pw"), List.of("/api/v1/tags"),
                body -> assertThat(body).contains("customer-7"));
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "admin", null, List.of(new SimpleGrantedAuthority("ROLE_ADMIN"))));
        try {
            long tagged = jdbc.sql("SELECT min(id) FROM guests").query(Long.class).single();
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 10; i++) { // a change of tags makes the next call count anew
                tagService.addToGuest(tagged, List.of("bench-" + i));
                long t = System.nanoTime();
                tagService.inUse();
                millis.add((System.nanoTime() - t) / 1_000_000);
            }
            print("TagService.inUse() right after a change of tags (counted anew, 10 calls)", millis);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    @AfterAll
    void footprint() throws Exception {
        JvmFootprint now = JvmFootprint.measure();
        System.out.printf("[bench] memory with %d hosts and %d guests: heap used after GC %d MiB, process RSS %d MiB,"
                        + " %d threads (max heap %d MiB)%n", HOSTS, (long) HOSTS * GUESTS_PER_HOST,
                now.heapUsed() >> 20, now.rss() >> 20, now.threads(), Runtime.getRuntime().maxMemory() >> 20);
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }


    private interface BodyCheck {
        void accept(String body);
    }

    /** One GET by one client. */
    private interface Caller {
        HttpResponse<String> get(String client, int index) throws Exception;
    }

    /**
     * One page of the guest list from the repository alone (SQL, no HTTP, no rendering), 20 calls after 5; the
     * total is counted on the first call (a large one is then remembered for 10 s, as in use).
     */
    private void queryAlone(String what, GuestFilter filter, GuestSort sort, int page, Visible visible) {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            long t = System.nanoTime();
            guestRepository.find(filter, sort, null, page, 25, visible);
            if (i >= 5) {
                millis.add((System.nanoTime() - t) / 1_000_000);
            }
        }
        print("guest list query alone (total + page of 25), " + what, millis);
    }

    /** A page read by keyset from a cursor {@code depth} rows into the list, as a client walking it with after=. */
    private void keysetAlone(String what, GuestSort sort, int depth) {
        GuestFilter all = new GuestFilter(null, null, null);
        String cursor = guestRepository.find(all, sort, null, depth / 25 - 1, 25, Visible.EVERYTHING).next();
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            long t = System.nanoTime();
            guestRepository.find(all, sort, GuestCursor.parse(cursor, sort), 0, 25, Visible.EVERYTHING);
            if (i >= 5) {
                millis.add((System.nanoTime() - t) / 1_000_000);
            }
        }
        print("guest list query alone (total + page of 25), " + what, millis);
    }

    private static List<String> prefixed(String path, List<String> queries) {
        return queries.stream().map(q -> path + q).toList();
    }

    /** Each client thread its own logged-in session. */
    private Caller sessions(String user, String password) throws Exception {
        List<WebSession> sessions = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            sessions.add(WebSession.login(port, user, password));
        }
        return (path, client) -> sessions.get(client).get(path);
    }

    /** CLIENTS threads, each calling the paths in turn, after one warm-up round. */
    private void load(String what, Caller caller, List<String> paths, BodyCheck check) throws Exception {
        for (String path : paths) {
            HttpResponse<String> response = caller.get(path, 0);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            check.accept(response.body());
        }
        List<Long> millis = Collections.synchronizedList(new ArrayList<>());
        Map<String, List<Long>> byPath = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        long start = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(clients.submit(() -> {
                    for (int i = 0; i < CALLS_PER_CLIENT; i++) {
                        String path = paths.get((i + client) % paths.size());
                        long t = System.nanoTime();
                        HttpResponse<String> response = caller.get(path, client);
                        long took = (System.nanoTime() - t) / 1_000_000;
                        millis.add(took);
                        byPath.computeIfAbsent(path, p -> Collections.synchronizedList(new ArrayList<>())).add(took);
                        assertThat(response.statusCode()).as(path).isEqualTo(200);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            clients.shutdown();
        }
        double wall = seconds(start);
        print(String.format("%s, %d clients x %d calls (filters, sorts, pages), %.0f calls/s", what, CLIENTS,
                CALLS_PER_CLIENT, millis.size() / wall), millis);
        if (paths.size() > 1) { // which variants the slow calls were
            paths.forEach(path -> print("  " + path, byPath.get(path)));
        }
    }

    private static void print(String what, List<Long> millis) {
        long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("[bench] %s: p50 %d ms, p95 %d ms, max %d ms%n", what, sorted[sorted.length / 2],
                sorted[(int) Math.ceil(sorted.length * 0.95) - 1], sorted[sorted.length - 1]);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}

package io.virtdeck.inventory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;

import javax.sql.DataSource;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.core.Visible;
import io.virtdeck.support.Api;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The guest list at fleet size (issue 10) on a small fleet whose sort values tie a lot: every sort pages without
 * skipping or repeating a row, by page (also from the list's end) and by keyset cursor; the name search through the
 * trigram index finds what a case-insensitive substring match finds, the user's % and _ taken literally; a restricted
 * user's list holds only what their grants show.
 */
@VirtdeckIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestListPagingTest {

    /** Names on both hosts (ties across hosts), and case variants on one host (ties of lower(name) on one host). */
    private static final List<String> NAMES = List.of("node-a", "Node-A", "node-b", "NODE-B", "node-c", "node-d",
            "node-e", "node-f", "node-g", "node-h", "node-i", "node-j", "node-k", "node-l", "node-m", "node-n",
            "node-o", "node-p");
    /** Only on the first host: what the search must take literally. */
    private static final List<String> SEARCH_NAMES = List.of("Pct%Web", "under_Score", "back\\Slash", "WEBSERVER",
            "underXscore", "pctXweb");

    @Autowired
    MockMvc mvc;
    @Autowired
    GuestRepository repository;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DataSource dataSource;

    Api api;
    long first;
    long second;
    Visible bothHosts;
    /** Every lowercased guest name in the database's collation order. */
    List<String> nameOrder;

    @BeforeAll
    void twoHostsWithManyTies() throws Exception {
        api = new Api(mvc);
        List<String> firstNames = new ArrayList<>(NAMES);
        firstNames.addAll(SEARCH_NAMES);
        first = api.registerHost("paging-a", hostFile("paging-a", firstNames));
        second = api.registerHost("paging-b", hostFile("paging-b", NAMES));
        await().atMost(java.time.Duration.ofSeconds(20)).until(() -> guestCount(first) + guestCount(second),
                count -> count == NAMES.size() * 2 + SEARCH_NAMES.size());
        bothHosts = new Visible(false, List.of(first, second), List.of());
        nameOrder = jdbc.sql("SELECT DISTINCT lower(name) AS n FROM guests ORDER BY n").query(String.class).list();
    }

    private long guestCount(long hostId) {
        return jdbc.sql("SELECT count(*) FROM guests WHERE host_id = :h").param("h", hostId).query(Long.class).single();
    }

    /** A test-driver host whose guests have only two memory sizes and two vCPU counts, in three states. */
    private static String hostFile(String host, List<String> names) throws IOException {
        StringBuilder xml = new StringBuilder("<node><cpu><mhz>2400</mhz><model>x86_64</model><active>8</active>"
                + "<max>8</max><nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>2</threads></cpu>"
                + "<memory>16777216</memory>");
        for (int i = 0; i < names.size(); i++) {
            xml.append("<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>")
                    .append(names.get(i)).append("</name><uuid>")
                    .append(UUID.nameUUIDFromBytes((host + "/" + names.get(i)).getBytes())).append("</uuid>")
                    .append("<memory unit='MiB'>").append(i % 2 == 0 ? 512 : 1024).append("</memory><vcpu>")
                    .append(1 + i % 3 / 2).append("</vcpu><os><type>hvm</type></os><test:runstate>")
                    .append(new int[] {1, 3, 5}[i % 3]).append("</test:runstate></domain>");
        }
        Path file = Files.createTempFile("virtdeck-paging-", ".xml");
        Files.writeString(file, xml.append("</node>").toString());
        return "test://" + file.toAbsolutePath();
    }

    @ParameterizedTest
    @ValueSource(strings = {"name", "name,desc", "state", "state,desc", "host", "host,desc", "vcpus", "vcpus,desc",
            "memory", "memory,desc"})
    void everySortPagesWithoutSkippingOrRepeatingARowByPageAndByCursor(String sortParameter) {
        GuestSort sort = GuestSort.parse(sortParameter);
        GuestFilter all = new GuestFilter(null, null, null);
        List<Guest.Summary> whole = repository.find(all, sort, null, 0, 500, bothHosts).page().items();
        assertThat(whole).hasSize(NAMES.size() * 2 + SEARCH_NAMES.size());
        assertOrdered(whole, sort);

        List<Long> byPage = new ArrayList<>();
        for (int page = 0; page * 5 < whole.size(); page++) { // the far half is read from the end, reversed
            GuestPage found = repository.find(all, sort, null, page, 5, bothHosts);
            found.page().items().forEach(guest -> byPage.add(guest.id()));
            assertThat(found.next() != null).as("next on page " + page).isEqualTo((page + 1) * 5 < whole.size());
        }
        GuestPage pastTheEnd = repository.find(all, sort, null, whole.size() / 5 + 1, 5, bothHosts);
        assertThat(pastTheEnd.page().items()).isEmpty();
        assertThat(pastTheEnd.next()).isNull();
        List<Long> byCursor = new ArrayList<>();
        GuestCursor after = null;
        do {
            GuestPage found = repository.find(all, sort, after, 0, 5, bothHosts);
            found.page().items().forEach(guest -> byCursor.add(guest.id()));
            after = found.next() == null ? null : GuestCursor.parse(found.next(), sort);
        } while (after != null);

        List<Long> expected = whole.stream().map(Guest.Summary::id).toList();
        assertThat(byPage).containsExactlyElementsOf(expected);
        assertThat(byCursor).containsExactlyElementsOf(expected);
    }

    /** By the sort's column, then lowercased name, then id, all in the sort's direction. */
    private void assertOrdered(List<Guest.Summary> guests, GuestSort sort) {
        Function<Guest.Summary, Comparable<?>> column = switch (sort.column()) {
            case NAME -> guest -> "";
            case STATE -> guest -> guest.state().name();
            case HOST -> Guest.Summary::hostName; // paging-a, paging-b: no case or collation question
            case VCPUS -> Guest.Summary::vcpus;
            case MEMORY -> Guest.Summary::memoryMiB;
        };
        @SuppressWarnings({"unchecked", "rawtypes"})
        Comparator<Guest.Summary> byColumn = Comparator.comparing(guest -> (Comparable) column.apply(guest));
        Comparator<Guest.Summary> order = byColumn
                .thenComparing(guest -> guest.name().toLowerCase(Locale.ROOT), this::collated)
                .thenComparingLong(Guest.Summary::id);
        assertThat(guests).isSortedAccordingTo(sort.descending() ? order.reversed() : order);
    }

    /** Names compared as the database does: equal lowercased names tie; others in the database's own order. */
    private int collated(String a, String b) {
        return a.equals(b) ? 0 : Integer.compare(nameOrder.indexOf(a), nameOrder.indexOf(b));
    }

    @Test
    void aCursorWalksTheApiAndTheLastPageSaysSo() throws Exception {
        String firstPage = api.getJson("/api/v1/guests?host=" + second + "&sort=memory,desc&size=10");
        String next = JsonPath.read(firstPage, "$.next");
        assertThat(JsonPath.<Boolean>read(firstPage, "$.totalExact")).isTrue();
        String secondPage = api.getJson("/api/v1/guests?host=" + second + "&sort=memory,desc&size=10&after=" + next);
        assertThat(JsonPath.<Integer>read(secondPage, "$.total")).isEqualTo(NAMES.size());
        List<Number> ids = new ArrayList<>(JsonPath.read(firstPage, "$.items[*].id"));
        ids.addAll(JsonPath.read(secondPage, "$.items[*].id"));
        assertThat(ids).hasSize(NAMES.size()).doesNotHaveDuplicates();
        assertThat(JsonPath.<Object>read(secondPage, "$.next")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "_", "\\", "web", "WeB", "t%w", "r_s", "k\\s", "E", "node-a", "ct%", "zz", " Score "})
    void theNameSearchIsACaseInsensitiveSubstringWithWildcardsTakenLiterally(String text) {
        List<Guest.Summary> everything = repository.find(new GuestFilter(null, null, null), GuestSort.DEFAULT, null, 0,
                500, bothHosts).page().items();
        String needle = text.trim().toLowerCase(Locale.ROOT);
        List<Long> expected = everything.stream()
                .filter(guest -> guest.name().toLowerCase(Locale.ROOT).contains(needle))
                .map(Guest.Summary::id).toList();
        List<Long> found = repository.find(new GuestFilter(null, null, text), GuestSort.DEFAULT, null, 0, 500,
                bothHosts).page().items().stream().map(Guest.Summary::id).toList();
        assertThat(found).containsExactlyElementsOf(expected);
    }

    @Test
    void theNameSearchCanUseTheTrigramIndex() throws Exception {
        // the planner rightly reads a table this small whole; with that forbidden, the trigram index must answer LIKE
        StringBuilder plan = new StringBuilder();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SET enable_seqscan = off");
            try (ResultSet rows = statement.executeQuery(
                    "EXPLAIN SELECT id FROM guests g WHERE lower(g.name) LIKE '%web%'")) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            } finally {
                statement.execute("RESET enable_seqscan");
            }
        }
        assertThat(plan.toString()).contains("guests_name_trgm_idx");
    }

    @Test
    void aRestrictedUsersListHoldsOnlyTheirHostAndGuestInEveryWayOfPaging() {
        long elsewhere = jdbc.sql("SELECT id FROM guests WHERE host_id = :h ORDER BY id LIMIT 1").param("h", second)
                .query(Long.class).single();
        Visible restricted = new Visible(false, List.of(first), List.of(elsewhere));
        GuestSort sort = GuestSort.parse("memory,desc");
        GuestPage page = repository.find(new GuestFilter(null, null, null), sort, null, 0, 500, restricted);
        assertThat(page.page().total()).isEqualTo(NAMES.size() + SEARCH_NAMES.size() + 1);
        assertThat(page.page().items()).allMatch(guest -> guest.hostId() == first || guest.id() == elsewhere);
        HashSet<Long> byCursor = new HashSet<>();
        GuestCursor after = null;
        do {
            GuestPage found = repository.find(new GuestFilter(null, null, "node"), sort, after, 0, 4, restricted);
            found.page().items().forEach(guest -> assertThat(byCursor.add(guest.id())).isTrue());
            after = found.next() == null ? null : GuestCursor.parse(found.next(), sort);
        } while (after != null);
        assertThat(byCursor).hasSize(NAMES.size() + 1).contains(elsewhere);
    }
}

package io.virtdeck.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The catalogue of audited actions is the only place their names live, and docs/audit.md is written from it. */
class AuditCatalogueTest {

    private static final Path DOC = Path.of("../docs/audit.md");
    private static final String BEGIN =
            "<!-- actions: begin (written from AuditAction; AuditCatalogueTest checks it) -->";
    private static final String END = "<!-- actions: end -->";

    @Test
    void eachCodeIsUniqueAndStartsWithAnObjectOfItsFamily() {
        Map<AuditAction.Family, Set<String>> objects = Map.of(
                AuditAction.Family.GUESTS, Set.of("guest"),
                AuditAction.Family.HOSTS, Set.of("host"),
                AuditAction.Family.STORAGE, Set.of("pool", "volume", "image"),
                AuditAction.Family.NETWORKS, Set.of("network"),
                AuditAction.Family.BACKUPS, Set.of("backup"),
                AuditAction.Family.ALERTS, Set.of("alert"),
                AuditAction.Family.CONSOLES, Set.of("console"),
                AuditAction.Family.USERS, Set.of("user", "group", "grant", "token"),
                AuditAction.Family.LOGINS, Set.of("login", "logout"));
        assertThat(Arrays.stream(AuditAction.values()).map(AuditAction::code)).doesNotHaveDuplicates();
        for (AuditAction action : AuditAction.values()) {
            assertThat(objects.get(action.family())).as(action.code()).contains(action.code().split("\\.")[0]);
            assertThat(AuditAction.byCode(action.code())).contains(action);
        }
    }

    @Test
    void theFilterOffersEveryActionAndTheFamiliesTheyShare() {
        List<String> guests = AuditAction.Family.GUESTS.filterChoices().stream()
                .map(AuditAction.FilterChoice::value).toList();
        assertThat(guests).startsWith("guest", "guest.create").contains("guest.snapshot", "guest.snapshot.create")
                .containsAll(AuditAction.Family.GUESTS.actions().stream().map(AuditAction::code).toList());
        assertThat(guests.indexOf("guest.snapshot")).isEqualTo(guests.indexOf("guest.snapshot.create") - 1);
    }

    @Test
    void noActionNameIsWrittenOutsideTheCatalogue() throws IOException {
        Set<String> codes = Arrays.stream(AuditAction.values()).map(AuditAction::code).collect(Collectors.toSet());
        Pattern literal = Pattern.compile("\"([a-z]+(?:\\.[a-z-]+)+|logout)\"");
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            List<String> strays = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.endsWith("audit/AuditAction.java"))
                    .flatMap(f -> {
                        Matcher m = literal.matcher(read(f));
                        return m.results().map(r -> r.group(1)).filter(codes::contains).map(c -> f + ": " + c);
                    }).toList();
            assertThat(strays).as("action names written as strings instead of AuditAction constants").isEmpty();
        }
    }

    @Test
    void theDocumentListsEveryActionAsTheCatalogueDescribesIt() throws IOException {
        String doc = Files.readString(DOC);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertThat(begin).as(DOC + " has the markers " + BEGIN + " and " + END).isNotNegative();
        assertThat(end).isGreaterThan(begin);
        assertThat(doc.substring(begin + BEGIN.length(), end).strip())
                .as("the list in " + DOC + " as the catalogue writes it; paste this between the markers")
                .isEqualTo(table());
    }

    /** The document's list: a table per family, an action a row. */
    static String table() {
        StringBuilder out = new StringBuilder();
        for (AuditAction.Family family : AuditAction.Family.values()) {
            out.append("### ").append(family.label()).append("\n\n| Action | What an entry records |\n|---|---|\n");
            for (AuditAction action : family.actions()) {
                out.append("| `").append(action.code()).append("` | ").append(action.meaning()).append(" |\n");
            }
            out.append('\n');
        }
        return out.toString().strip();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package io.virtdeck.backup;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Scheduled backups against libvirt's test driver: the checks of a new job (each refusal names its field and makes
 * nothing), a due job run by one of two racing instances only, and pruning by retention.
 */
@VirtdeckIntegrationTest
class BackupJobApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    BackupJobService jobs;
    @Autowired
    BackupRepository repository;
    @Autowired
    BackupPrune prune;

    Api api;
    long host;
    long web;
    long storeId;

    @BeforeEach
    void store() throws Exception {
        api = new Api(mvc);
        host = api.connectedHost("job-" + System.nanoTime(), TestHosts.smallHost());
        web = api.guestId(host, "alpha-web");
        String body = mvc.perform(api.post("/api/v1/backup-stores", "{\"name\":\"s-" + System.nanoTime()
                        + "\",\"hostId\":" + host + ",\"pool\":\"default\"}")).andExpect(status().isCreated())
                .andReturn().getResponse().getContentAsString();
        storeId = ((Number) JsonPath.read(body, "$.id")).longValue();
    }

    private String job(String name, String schedule, String retention) {
        return "{\"name\":\"" + name + "\",\"scope\":\"guest\",\"guestId\":" + web + ",\"storeId\":" + storeId
                + ",\"schedule\":\"" + schedule + "\",\"retention\":" + retention + "}";
    }

    private ResultActions create(String json) throws Exception {
        return mvc.perform(api.post("/api/v1/backup-jobs", json));
    }

    @Test
    void badJobsAreRefusedNamingTheFieldAndNothingIsMade() throws Exception {
        long before = jdbc.sql("SELECT count(*) FROM backup_jobs").query(Long.class).single();
        refused(create(job("j", "30 2 * * *", "{\"keepLast\":0}")), "retention.keepLast");
        refused(create(job("j", "30 2 * * *", "{\"keepDaily\":-1}")), "retention.keepDaily");
        refused(create(job("j", "30 2 * * *", "{}")), "retention");
        refused(create(job("j", "30 2 * * *", "null")), "retention");
        refused(create(job("j", "0 0 30 2 *", "{\"keepLast\":3}")), "schedule"); // February 30th never comes
        refused(create(job("j", "every day", "{\"keepLast\":3}")), "schedule");
        refused(create(job("j", "", "{\"keepLast\":3}")), "schedule");
        refused(create(job("", "30 2 * * *", "{\"keepLast\":3}")), "name");
        refused(create(job("j", "30 2 * * *", "{\"keepLast\":3}").replace("\"storeId\":" + storeId,
                "\"storeId\":999999")), "storeId");
        refused(create(job("j", "30 2 * * *", "{\"keepLast\":3}").replace("\"guest\"", "\"planet\"")), "scope");
        refused(create(job("j", "30 2 * * *", "{\"keepLast\":3}").replace("\"guestId\":" + web, "\"guestId\":0")),
                "guestId");
        refused(create(job("j", "30 2 * * *", "{\"keepLast\":3},\"verify\":{\"signOfLife\":\"serial\"}")),
                "verify.serialText");
        refused(create(job("j", "30 2 * * *", "{\"keepLast\":3},\"verify\":{\"signOfLife\":\"ping\"}")),
                "verify.signOfLife");
        assertThat(jdbc.sql("SELECT count(*) FROM backup_jobs").query(Long.class).single()).isEqualTo(before);
        create(job("verified-" + System.nanoTime(), "30 2 * * *",
                "{\"keepLast\":3},\"verify\":{\"signOfLife\":\"serial\",\"serialText\":\"login:\"}"))
                .andExpect(status().isCreated()).andExpect(jsonPath("$.verify.signOfLife").value("serial"))
                .andExpect(jsonPath("$.verify.serialText").value("login:"))
                .andExpect(jsonPath("$.verify.timeoutSeconds").value(180));

        create(job("nightly-" + System.nanoTime(), "30 2 * * *", "{\"keepLast\":3,\"keepWeekly\":2}"))
                .andExpect(status().isCreated()).andExpect(jsonPath("$.retention.keepLast").value(3))
                .andExpect(jsonPath("$.retention.keepWeekly").value(2))
                .andExpect(jsonPath("$.nextRunAt").isString());
        mvc.perform(post("/api/v1/backup-jobs").with(user("v").roles("VIEWER")).contentType("application/json")
                .content(job("v-" + System.nanoTime(), "30 2 * * *", "{\"keepLast\":3}")))
                .andExpect(status().isForbidden());
    }

    @Test
    void aJobIsChangedWholeOrNotAtAllAndItsNextRunCountedAgain() throws Exception {
        String name = "changed-" + System.nanoTime();
        String body = create(job(name, "30 2 * * *", "{\"keepLast\":3}")).andExpect(status().isCreated())
                .andReturn().getResponse().getContentAsString();
        long id = ((Number) JsonPath.read(body, "$.id")).longValue();
        String other = "other-" + System.nanoTime();
        create(job(other, "30 2 * * *", "{\"keepLast\":3}")).andExpect(status().isCreated());

        refused(change(id, job(name, "0 0 30 2 *", "{\"keepLast\":5}")), "schedule");
        refused(change(id, job(name, "0 3 * * *", "{\"keepLast\":0}")), "retention.keepLast");
        change(id, job(other, "0 3 * * *", "{\"keepLast\":5}")).andExpect(status().isConflict())
                .andExpect(jsonPath("$.field").value("name"));
        assertThat(api.getJson("/api/v1/backup-jobs/" + id)).contains("\"schedule\":\"30 2 * * *\"",
                "\"keepLast\":3");

        String changed = change(id, job(name, "0 3 * * MON", "{\"keepDaily\":7}")).andExpect(status().isOk())
                .andExpect(jsonPath("$.schedule").value("0 3 * * MON"))
                .andExpect(jsonPath("$.retention.keepDaily").value(7))
                .andReturn().getResponse().getContentAsString();
        java.time.ZonedDateTime next = Instant.parse(JsonPath.read(changed, "$.nextRunAt"))
                .atZone(java.time.ZoneId.systemDefault());
        assertThat(next.getDayOfWeek()).isEqualTo(java.time.DayOfWeek.MONDAY);
        assertThat(next.getHour()).isEqualTo(3);
        assertThat(jdbc.sql("SELECT outcome FROM audit_events WHERE action = 'backup.job.update' AND object_name = :n"
                + " ORDER BY id").param("n", name).query(String.class).list()).as("the refusals are audited too")
                .containsExactly("FAILURE", "FAILURE", "FAILURE", "SUCCESS");
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put("/api/v1/backup-jobs/" + id)
                        .with(user("v").roles("VIEWER")).contentType("application/json")
                        .content(job(name, "0 4 * * *", "{\"keepLast\":1}")))
                .andExpect(status().isForbidden());
    }

    @Test
    void aScheduleTellsItsNextRunsOrWhyItHasNone() throws Exception {
        String runs = api.getJson("/api/v1/backup-jobs/next-runs?schedule=0 3 * * MON&count=3");
        List<String> times = JsonPath.read(runs, "$.nextRuns");
        assertThat(times).hasSize(3).allSatisfy(t -> assertThat(java.time.OffsetDateTime.parse(t)
                .atZoneSameInstant(java.time.ZoneId.systemDefault()).getDayOfWeek())
                .isEqualTo(java.time.DayOfWeek.MONDAY));
        assertThat(JsonPath.<String>read(runs, "$.timeZone")).isEqualTo(java.time.ZoneId.systemDefault().getId());
        refused(mvc.perform(api.get("/api/v1/backup-jobs/next-runs?schedule=0 0 30 2 *")), "schedule");
        refused(mvc.perform(api.get("/api/v1/backup-jobs/next-runs?schedule=@daily&count=11")), "count");
    }

    private ResultActions change(long id, String json) throws Exception {
        return mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                .put("/api/v1/backup-jobs/" + id).with(user("admin").roles("ADMIN")).contentType("application/json")
                .content(json));
    }

    private static void refused(ResultActions result, String field) throws Exception {
        result.andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value(field));
    }

    @Test
    void aDueJobRunsOnceWhenTwoInstancesLookAtTheSameTime() throws Exception {
        String name = "every-minute-" + System.nanoTime();
        String body = create(job(name, "* * * * *", "{\"keepLast\":2}")).andExpect(status().isCreated())
                .andReturn().getResponse().getContentAsString();
        long id = ((Number) JsonPath.read(body, "$.id")).longValue();
        Instant next = Instant.parse(JsonPath.read(body, "$.nextRunAt"));
        assertThat(next).as("a minute's schedule fires within the minute")
                .isBetween(Instant.now().minusSeconds(1), Instant.now().plusSeconds(61));
        jdbc.sql("UPDATE backup_jobs SET next_run_at = now() - interval '1 second' WHERE id = :id").param("id", id)
                .update();

        // two instances' schedulers at once: the claim in PostgreSQL lets one through
        CyclicBarrier together = new CyclicBarrier(2);
        List<CompletableFuture<Void>> both = List.of(1, 2).stream().map(i -> CompletableFuture.runAsync(() -> {
            try {
                together.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            jobs.runDue();
        })).toList();
        both.forEach(CompletableFuture::join);

        List<Long> tasks = jdbc.sql("SELECT id FROM tasks WHERE type = 'backup.run' AND object_id = :id")
                .param("id", Long.toString(web)).query(Long.class).list();
        assertThat(tasks).hasSize(1);
        api.taskWhenDone(tasks.get(0), java.time.Duration.ofSeconds(30)); // the test driver has no backup API
        String after = api.getJson("/api/v1/backup-jobs/" + id);
        assertThat(JsonPath.<String>read(after, "$.lastResult")).startsWith("Started 1 backup(s): alpha-web (task ");
        assertThat(Instant.parse(JsonPath.read(after, "$.nextRunAt"))).isAfter(Instant.now());
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'backup.run' AND username = :u")
                .param("u", "job:" + name).query(Long.class).single()).as("its backups are audited under the job")
                .isEqualTo(1);
    }

    @Test
    void pruningDeletesWhatTheRetentionDoesNotKeepAndKeepsWhatAKeptIncrementalNeeds() {
        BackupStore store = repository.findStore(storeId).orElseThrow();
        UUID guest = UUID.randomUUID();
        Instant day = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(10, ChronoUnit.DAYS);
        // three chains a few days apart; the newest has a full backup and two incrementals
        for (int c = 0; c < 3; c++) {
            long chain = repository.insertChain(store.id(), guest, "pruned", host);
            int points = c == 2 ? 3 : 1;
            for (int seq = 0; seq < points; seq++) {
                long point = repository.insertPoint(chain, seq, "virtdeck-" + chain + "-" + seq, 0, "<domain/>",
                        seq == 0 ? "test" : null, List.of(new BackupPoint.Disk("vda", "default/x.qcow2",
                                "pruned-" + chain + "-" + seq + ".qcow2", 1 << 20)));
                repository.completed(point, 1 << 20);
                jdbc.sql("UPDATE backup_points SET started_at = :at WHERE id = :id")
                        .param("at", java.sql.Timestamp.from(day.plus(c * 3L, ChronoUnit.DAYS)
                                .plus(seq, ChronoUnit.HOURS))).param("id", point).update();
            }
        }
        String said = prune.prune(guest, store, new Retention(1, null, null, null), ZoneOffset.UTC);
        assertThat(said).isEqualTo("Retention kept 3 backup(s) and deleted 2.");
        List<BackupPoint> left = repository.pointsOfGuest(guest);
        assertThat(left).extracting(BackupPoint::seq).containsExactly(2, 1, 0);
        assertThat(left).extracting(BackupPoint::chainId).containsOnly(left.get(0).chainId());
        assertThat(jdbc.sql("SELECT count(*) FROM backup_chains WHERE guest_uuid = :g").param("g", guest)
                .query(Long.class).single()).as("emptied chains go too").isEqualTo(1);
    }
}

package io.virtdeck.backup;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.virtdeck.core.VirtdeckException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetentionTest {

    private static final ZoneId UTC = ZoneOffset.UTC;

    /** One backup a day at 02:00 for {@code days} days up to 2026-12-07, each a full one (its own chain), newest first. */
    private static List<Retention.Taken> daily(int days) {
        List<Retention.Taken> taken = new ArrayList<>();
        Instant last = Instant.parse("2026-12-07T02:00:00Z");
        for (int i = 0; i < days; i++) {
            taken.add(new Retention.Taken(i + 1, i + 1, 0, last.minusSeconds(86_400L * i)));
        }
        return taken;
    }

    @Test
    void keepLastKeepsTheNewestOnes() {
        assertThat(new Retention(3, null, null, null).keep(daily(10), UTC)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void dailyWeeklyAndMonthlyEachCountPeriodsTheOptionsBeforeDidNotKeep() {
        // 2026-12-07 is a Monday: keep-last 2 holds Dec 7 and 6; keep-daily 2 then Dec 5 and 4; keep-weekly 2 the
        // newest of the weeks not yet kept in (Nov 30-Dec 6 holds Dec 6: taken; so Nov 23-29 and Nov 16-22);
        // keep-monthly 2 the newest of months not kept in (December and November are: October, September)
        Set<Long> kept = new Retention(2, 2, 2, 2).keep(daily(100), UTC);
        List<String> days = daily(100).stream().filter(t -> kept.contains(t.id()))
                .map(t -> t.at().toString().substring(0, 10)).toList();
        assertThat(days).containsExactly("2026-12-07", "2026-12-06", "2026-12-05", "2026-12-04", "2026-11-29",
                "2026-11-22", "2026-10-31", "2026-09-30");
    }

    @Test
    void severalBackupsOfOneDayCountAsOneDayAndTheNewestIsKept() {
        List<Retention.Taken> taken = List.of(
                new Retention.Taken(3, 1, 2, Instant.parse("2026-12-07T20:00:00Z")),
                new Retention.Taken(2, 1, 1, Instant.parse("2026-12-07T10:00:00Z")),
                new Retention.Taken(1, 1, 0, Instant.parse("2026-12-06T10:00:00Z")));
        // the 20:00 incremental is kept, and with it what it builds on: the whole chain
        assertThat(new Retention(null, 1, null, null).keep(taken, UTC)).containsExactlyInAnyOrder(3L, 2L, 1L);
        List<Retention.Taken> separate = List.of(
                new Retention.Taken(3, 3, 0, Instant.parse("2026-12-07T20:00:00Z")),
                new Retention.Taken(2, 2, 0, Instant.parse("2026-12-07T10:00:00Z")),
                new Retention.Taken(1, 1, 0, Instant.parse("2026-12-06T10:00:00Z")));
        assertThat(new Retention(null, 1, null, null).keep(separate, UTC)).containsExactly(3L);
    }

    @Test
    void theDayIsTheServersDay() {
        List<Retention.Taken> taken = List.of(
                new Retention.Taken(2, 2, 0, Instant.parse("2026-12-07T01:00:00Z")),
                new Retention.Taken(1, 1, 0, Instant.parse("2026-12-06T22:00:00Z")));
        assertThat(new Retention(null, 2, null, null).keep(taken, UTC)).containsExactly(2L, 1L);
        // in UTC+5 both are on December 7th: one day, the newest kept
        assertThat(new Retention(null, 2, null, null).keep(taken, ZoneOffset.ofHours(5))).containsExactly(2L);
    }

    @Test
    void nothingToKeepOrCountsBelowOneAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new Retention(null, null, null, null).validate()).isInstanceOf(VirtdeckException.class)
                .hasFieldOrPropertyWithValue("field", "retention");
        assertThatThrownBy(() -> new Retention(0, null, null, null).validate())
                .hasFieldOrPropertyWithValue("field", "retention.keepLast");
        assertThatThrownBy(() -> new Retention(1, -2, null, null).validate())
                .hasFieldOrPropertyWithValue("field", "retention.keepDaily");
        assertThatThrownBy(() -> new Retention(1, null, 0, null).validate())
                .hasFieldOrPropertyWithValue("field", "retention.keepWeekly");
        assertThatThrownBy(() -> new Retention(1, null, null, 0).validate())
                .hasFieldOrPropertyWithValue("field", "retention.keepMonthly");
    }
}

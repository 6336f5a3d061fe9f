package io.virtdeck.backup;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.virtdeck.core.VirtdeckException;

/**
 * How many backups a job keeps, as Proxmox's prune options: the last N, and the newest of each of the last N days,
 * weeks and months (in the server's time zone). The options apply in that order; each counts only periods that the
 * ones before did not already keep a backup in (Proxmox Backup Server's rule). A kept incremental backup keeps the
 * backups it builds on (its chain up to it): they are deleted only with it.
 *
 * @param keepLast null when the option is not used; otherwise at least 1, as each of the others
 */
public record Retention(Integer keepLast, Integer keepDaily, Integer keepWeekly, Integer keepMonthly) {

    /** Refuses a retention that would keep nothing, or counts of 0 or less, naming the field. */
    void validate() {
        check("retention.keepLast", keepLast);
        check("retention.keepDaily", keepDaily);
        check("retention.keepWeekly", keepWeekly);
        check("retention.keepMonthly", keepMonthly);
        if (keepLast == null && keepDaily == null && keepWeekly == null && keepMonthly == null) {
            throw VirtdeckException.invalid("retention", "retention needs at least one of keepLast, keepDaily,"
                    + " keepWeekly, keepMonthly: otherwise every backup would be deleted.");
        }
    }

    private static void check(String field, Integer count) {
        if (count != null && count < 1) {
            throw VirtdeckException.invalid(field, field + " must be 1 or more (leave it out not to use it); it was "
                    + count + ".");
        }
    }

    /** A point in time of one backup, by its id and chain place. */
    record Taken(long id, long chainId, int seq, Instant at) {
    }

    /** The ids of the backups to keep, of complete ones given newest first. */
    Set<Long> keep(List<Taken> newestFirst, ZoneId zone) {
        Map<Long, Boolean> marks = new HashMap<>(); // true: keep, false: remove
        mark(marks, newestFirst, keepLast, t -> Long.toString(t.id()));
        mark(marks, newestFirst, keepDaily, t -> LocalDate.ofInstant(t.at(), zone).toString());
        mark(marks, newestFirst, keepWeekly, t -> {
            LocalDate day = LocalDate.ofInstant(t.at(), zone);
            return day.get(IsoFields.WEEK_BASED_YEAR) + "-W" + day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
        });
        mark(marks, newestFirst, keepMonthly, t -> YearMonth.from(LocalDate.ofInstant(t.at(), zone)).toString());
        Set<Long> kept = new LinkedHashSet<>();
        for (Taken taken : newestFirst) {
            if (Boolean.TRUE.equals(marks.get(taken.id()))) {
                kept.add(taken.id());
                // the backups an incremental one is read through
                newestFirst.stream().filter(t -> t.chainId() == taken.chainId() && t.seq() < taken.seq())
                        .forEach(t -> kept.add(t.id()));
            }
        }
        return kept;
    }

    /** One option: the newest backup of each of the first {@code count} periods not already kept in. */
    private static void mark(Map<Long, Boolean> marks, List<Taken> newestFirst, Integer count,
                             Function<Taken, String> period) {
        if (count == null) {
            return;
        }
        Set<String> covered = new HashSet<>();
        for (Taken taken : newestFirst) {
            if (Boolean.TRUE.equals(marks.get(taken.id()))) {
                covered.add(period.apply(taken));
            }
        }
        Set<String> chosen = new HashSet<>();
        List<Taken> open = new ArrayList<>(newestFirst.stream().filter(t -> !marks.containsKey(t.id())).toList());
        for (Taken taken : open) {
            String key = period.apply(taken);
            if (covered.contains(key)) {
                continue;
            }
            if (chosen.contains(key)) {
                marks.put(taken.id(), false);
            } else {
                if (chosen.size() >= count) {
                    break;
                }
                chosen.add(key);
                marks.put(taken.id(), true);
            }
        }
    }
}

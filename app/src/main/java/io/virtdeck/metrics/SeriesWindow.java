package io.virtdeck.metrics;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

import io.virtdeck.core.VirtdeckException;
import org.springframework.boot.convert.DurationStyle;

/**
 * What a metrics query asks for (OpenAPI: from, to, step) and the tier that answers it: the finest tier that still
 * holds {@code from}; a step shorter than that tier's is raised to it. Without a step, the window is cut into at most
 * {@value #DEFAULT_POINTS} points (a chart's width); more than {@value #MAX_POINTS} points is refused.
 */
record SeriesWindow(Instant from, Instant to, long stepSeconds, Tier tier) {

    static final int DEFAULT_POINTS = 360;
    static final int MAX_POINTS = 5_000;
    static final Duration DEFAULT_RANGE = Duration.ofHours(1);
    static final Duration GRACE = Duration.ofMinutes(1);

    static SeriesWindow of(String fromText, String toText, String stepText, Instant now, MetricsProperties properties) {
        Instant to = blank(toText) ? now : instant("to", toText);
        Instant from = blank(fromText) ? to.minus(DEFAULT_RANGE) : instant("from", fromText);
        if (!from.isBefore(to)) {
            throw VirtdeckException.invalid("from", "from must be before to.");
        }
        long rangeSeconds = Duration.between(from, to).toSeconds();
        Long askedStep = blank(stepText) ? null : step(stepText);
        // the finest tier still holding from: the freshest rows (coarser tiers lag by their roll-up)
        Tier tier = Tier.ONE_HOUR;
        for (Tier candidate : Tier.values()) {
            // a minute's grace: "the last 24 hours" asked a moment ago still reads the 10 s tier
            if (!from.isBefore(now.minus(candidate.keep(properties)).minus(GRACE))) {
                tier = candidate;
                break;
            }
        }
        long tierStep = tier.step.toSeconds();
        long wanted = askedStep != null ? askedStep : Math.max(1, ceilDiv(rangeSeconds, DEFAULT_POINTS));
        // a bucket holds whole rows of its tier
        long step = Math.max(tierStep, ceilDiv(wanted, tierStep) * tierStep);
        if (rangeSeconds / step > MAX_POINTS) {
            throw VirtdeckException.invalid("step", "step " + step + " s would give more than " + MAX_POINTS
                    + " points over this range; ask for a longer step or a shorter range.");
        }
        return new SeriesWindow(from, to, step, tier);
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static Instant instant(String field, String text) {
        try {
            return Instant.parse(text.trim()).truncatedTo(ChronoUnit.SECONDS);
        } catch (DateTimeParseException e) {
            throw VirtdeckException.invalid(field, field + " is an ISO-8601 instant such as 2026-11-21T10:00:00Z.");
        }
    }

    private static long step(String text) {
        try {
            long seconds = DurationStyle.detectAndParse(text.trim(), ChronoUnit.SECONDS).toSeconds();
            if (seconds < 1) {
                throw VirtdeckException.invalid("step", "step is at least 1 second.");
            }
            return seconds;
        } catch (IllegalArgumentException e) {
            throw VirtdeckException.invalid("step", "step is seconds (300) or a duration such as 5m, 1h or PT5M.");
        }
    }
}

package io.virtdeck.metrics;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Downsamples history into the coarser tiers (10 s into 5 min averages, 5 min into 1 h) and deletes what is older
 * than each tier keeps. Only complete buckets are rolled up: a bucket is complete once it ended more than two
 * sampling intervals ago (late samples of a slow host still land in it). One instance at a time does this.
 */
@Component
public class MetricsRollup {

    private static final Logger log = LoggerFactory.getLogger(MetricsRollup.class);

    private final MetricsRepository repository;
    private final MetricsProperties properties;
    private final TransactionTemplate transaction;

    MetricsRollup(MetricsRepository repository, MetricsProperties properties, TransactionTemplate transaction) {
        this.repository = repository;
        this.properties = properties;
        this.transaction = transaction;
    }

    @Scheduled(fixedDelayString = "${virtdeck.metrics.rollup-interval:1m}",
            initialDelayString = "${virtdeck.metrics.rollup-interval:1m}")
    public void run() {
        run(Instant.now());
    }

    /** Rolls up and expires, unless another instance is doing it now (its next run catches up). */
    void run(Instant now) {
        transaction.executeWithoutResult(status -> {
            if (repository.takeRollupTurn()) {
                rollupAndExpire(now);
            } else {
                log.debug("another instance is rolling the metrics up; skipped");
            }
        });
    }

    private void rollupAndExpire(Instant now) {
        Instant settled = now.minus(properties.interval().multipliedBy(2));
        rollup(Tier.TEN_SECONDS, Tier.FIVE_MINUTES, settled);
        rollup(Tier.FIVE_MINUTES, Tier.ONE_HOUR, settled);
        for (Tier tier : Tier.values()) {
            int deleted = repository.expire(tier, now.minus(tier.keep(properties)));
            if (deleted > 0) {
                log.debug("expired {} rows of the {} tier", deleted, tier.label);
            }
        }
    }

    private void rollup(Tier source, Tier target, Instant settled) {
        Instant until = floor(settled, target.step);
        // the first run starts at the oldest data the source tier can still hold
        Instant from = repository.rolledUntil(target)
                .orElse(floor(settled.minus(source.keep(properties)), target.step));
        if (!from.isBefore(until)) {
            return;
        }
        repository.rollup(source, target, from, until);
        repository.setRolledUntil(target, until);
    }

    static Instant floor(Instant instant, Duration step) {
        long seconds = step.toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(instant.getEpochSecond(), seconds) * seconds);
    }
}

package io.virtdeck.metrics;

import java.time.Instant;

/** One row of history: a host ({@link ObjectKind#HOST}) or a guest at one moment. */
record MetricRow(ObjectKind kind, long objectId, Instant at, MetricValues values) {

    enum ObjectKind {
        HOST('H'), GUEST('G');

        final char code;

        ObjectKind(char code) {
            this.code = code;
        }
    }
}

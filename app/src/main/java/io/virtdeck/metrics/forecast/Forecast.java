package io.virtdeck.metrics.forecast;

/**
 * When a resource fills up at the pace of its history (OpenAPI: the capacity dashboard's forecasts).
 *
 * @param status        FULL_IN (a date can be told), FULL_NOW, NOT_GROWING (flat or falling: no date), or
 *                      NOT_ENOUGH_HISTORY (too few points, or too short a span, to tell a trend)
 * @param daysUntilFull days until the fitted trend reaches the capacity, for FULL_IN (0 for FULL_NOW), else null
 * @param confidence    HIGH (steady growth over two weeks or more), MEDIUM, LOW, for FULL_IN; else null
 * @param historyDays   the span of history the trend was fitted on
 * @param words         all of it for a person: "full in about 12 days (steady growth over 30 days)"
 */
public record Forecast(Status status, Double daysUntilFull, Confidence confidence, double historyDays,
                       String words) {

    public enum Status {
        FULL_IN, FULL_NOW, NOT_GROWING, NOT_ENOUGH_HISTORY
    }

    public enum Confidence {
        HIGH, MEDIUM, LOW
    }

    static Forecast notEnoughHistory(double historyDays) {
        return new Forecast(Status.NOT_ENOUGH_HISTORY, null, null, historyDays, "not enough history yet");
    }

    /** True when a date can be told: full already, or full in some days. */
    public boolean fills() {
        return status == Status.FULL_IN || status == Status.FULL_NOW;
    }
}

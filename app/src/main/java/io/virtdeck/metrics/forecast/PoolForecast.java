package io.virtdeck.metrics.forecast;

/**
 * When one storage pool of one host fills up, from its allocation's hourly history against its capacity now.
 * {@link #daysUntilFull()} and {@link #confidence()} are there for alert rules ("pool full within D days").
 */
public record PoolForecast(long hostId, String pool, long capacityMiB, long allocationMiB, Forecast forecast) {

    /** Days until full (0 when full now); null when no date can be told. */
    public Double daysUntilFull() {
        return forecast.daysUntilFull();
    }

    /** How much the date can be trusted; null when no date can be told, or the pool is full now. */
    public Forecast.Confidence confidence() {
        return forecast.confidence();
    }
}

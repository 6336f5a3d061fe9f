package io.virtdeck.metrics.forecast;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The least-squares line and what it tells: exact data gives exact days; too little, flat or falling gives none. */
class TrendFitTest {

    /** Hourly points over {@code days} days up to now, y = now + perDay * x (x negative: days before now). */
    private static TrendFit hourly(double days, double now, double perDay, double wobble) {
        int n = (int) Math.round(days * 24) + 1;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -days + i / 24.0;
            y[i] = now + perDay * x[i] + (i % 2 == 0 ? wobble : -wobble);
        }
        return TrendFit.of(x, y);
    }

    @Test
    void steadyGrowthGivesTheExactDaysUntilFull() {
        TrendFit fit = hourly(30, 1000, 50, 0);

        assertThat(fit.slope()).isCloseTo(50, within(1e-9));
        assertThat(fit.r2()).isCloseTo(1, within(1e-9));
        Forecast forecast = fit.forecast(1000, 1600);

        assertThat(forecast.status()).isEqualTo(Forecast.Status.FULL_IN);
        assertThat(forecast.daysUntilFull()).isCloseTo(12, within(1e-6));
        assertThat(forecast.confidence()).isEqualTo(Forecast.Confidence.HIGH);
        assertThat(forecast.words()).isEqualTo("full in about 12 days (steady growth over 30 days)");
    }

    @Test
    void tooFewPointsOrTooShortASpanTellNothing() {
        Forecast fewPoints = TrendFit.of(new double[]{-10, -5, 0}, new double[]{100, 200, 300}).forecast(300, 1000);
        assertThat(fewPoints.status()).isEqualTo(Forecast.Status.NOT_ENOUGH_HISTORY);
        assertThat(fewPoints.daysUntilFull()).isNull();
        assertThat(fewPoints.words()).isEqualTo("not enough history yet");

        Forecast shortSpan = hourly(2, 500, 100, 0).forecast(500, 1000); // 49 points, but two days only
        assertThat(shortSpan.status()).isEqualTo(Forecast.Status.NOT_ENOUGH_HISTORY);
        assertThat(shortSpan.daysUntilFull()).isNull();
    }

    @Test
    void fallingOrFlatUseTellsNoDate() {
        Forecast falling = hourly(30, 500, -20, 0).forecast(500, 1000);
        assertThat(falling.status()).isEqualTo(Forecast.Status.NOT_GROWING);
        assertThat(falling.daysUntilFull()).isNull();
        assertThat(falling.words()).isEqualTo("not filling up (flat or falling over 30 days)");

        assertThat(hourly(30, 500, 0, 0).forecast(500, 1000).status()).isEqualTo(Forecast.Status.NOT_GROWING);
        // growth that would take longer than five years counts as flat
        assertThat(hourly(30, 500, 0.2, 0).forecast(500, 1000).status()).isEqualTo(Forecast.Status.NOT_GROWING);
    }

    @Test
    void unevenGrowthIsToldWithLessConfidence() {
        Forecast noisy = hourly(30, 1000, 10, 400).forecast(1000, 2000);

        assertThat(noisy.status()).isEqualTo(Forecast.Status.FULL_IN);
        assertThat(noisy.confidence()).isEqualTo(Forecast.Confidence.LOW);
        assertThat(noisy.words()).endsWith("(erratic growth over 30 days, a rough guess)");
        Forecast shortButSteady = hourly(5, 1000, 100, 0).forecast(1000, 2000);
        assertThat(shortButSteady.confidence()).isEqualTo(Forecast.Confidence.MEDIUM);
        assertThat(shortButSteady.words()).isEqualTo("full in about 10 days (steady growth, but only over 5 days)");
    }

    @Test
    void aFullResourceIsFullNowWhateverItsHistory() {
        Forecast full = TrendFit.of(new double[0], new double[0]).forecast(1000, 1000);

        assertThat(full.status()).isEqualTo(Forecast.Status.FULL_NOW);
        assertThat(full.daysUntilFull()).isZero();
        assertThat(full.words()).isEqualTo("full now");
    }
}

package io.virtdeck.metrics.forecast;

/**
 * A straight line fitted by least squares to a history (x in days before now, y the amount used), and what it says
 * about the day the capacity is reached. Built from the sums of the points, so that PostgreSQL can add up thirty
 * days of hourly rows and send six numbers instead of the rows.
 *
 * @param n        points
 * @param sx       sum of x (days, negative: before now)
 * @param sy       sum of y
 * @param sxx      sum of x²
 * @param sxy      sum of x·y
 * @param syy      sum of y²
 * @param firstDay x of the oldest point
 * @param lastDay  x of the newest point
 */
public record TrendFit(long n, double sx, double sy, double sxx, double sxy, double syy, double firstDay,
                       double lastDay) {

    /** Fewer points, or a shorter span, tell no trend: a day's swing is not growth. */
    static final int MIN_POINTS = 24;
    static final double MIN_DAYS = 3;
    /** A trend that fills the room only after this long is told as flat. */
    static final double FLAT_AFTER_DAYS = 5 * 365;
    /** Steady growth needs this much history for a HIGH confidence. */
    static final double STEADY_DAYS = 14;

    public static TrendFit of(double[] days, double[] values) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0, first = Double.POSITIVE_INFINITY,
                last = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < days.length; i++) {
            double x = days[i], y = values[i];
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            syy += y * y;
            first = Math.min(first, x);
            last = Math.max(last, x);
        }
        return new TrendFit(days.length, sx, sy, sxx, sxy, syy, days.length == 0 ? 0 : first,
                days.length == 0 ? 0 : last);
    }

    public double historyDays() {
        return n == 0 ? 0 : lastDay - firstDay;
    }

    /** Growth per day; 0 when the x values do not vary. */
    public double slope() {
        double denominator = n * sxx - sx * sx;
        return denominator == 0 ? 0 : (n * sxy - sx * sy) / denominator;
    }

    /** How well the line fits, 0 to 1 (1: every point on it). */
    public double r2() {
        double vx = n * sxx - sx * sx, vy = n * syy - sy * sy;
        if (vx <= 0 || vy <= 0) {
            return 0;
        }
        double cov = n * sxy - sx * sy;
        return Math.min(1, cov * cov / (vx * vy));
    }

    /**
     * When {@code used} reaches {@code capacity} at the fitted pace: the room left divided by the growth per day.
     */
    public Forecast forecast(double used, double capacity) {
        double span = historyDays();
        if (capacity > 0 && used >= capacity) {
            return new Forecast(Forecast.Status.FULL_NOW, 0.0, null, span, "full now");
        }
        if (n < MIN_POINTS || span < MIN_DAYS) {
            return Forecast.notEnoughHistory(span);
        }
        double slope = slope();
        double days = slope > 0 ? (capacity - used) / slope : Double.POSITIVE_INFINITY;
        String over = " over " + Math.round(span) + " days";
        if (days > FLAT_AFTER_DAYS) {
            return new Forecast(Forecast.Status.NOT_GROWING, null, null, span, "not filling up (flat or falling"
                    + over + ")");
        }
        double r2 = r2();
        Forecast.Confidence confidence = r2 >= 0.9 && span >= STEADY_DAYS ? Forecast.Confidence.HIGH
                : r2 >= 0.6 ? Forecast.Confidence.MEDIUM : Forecast.Confidence.LOW;
        String pace = switch (confidence) {
            case HIGH -> "steady growth" + over;
            case MEDIUM -> (r2 >= 0.9 ? "steady growth, but only" : "uneven growth") + over;
            case LOW -> "erratic growth" + over + ", a rough guess";
        };
        String when = days < 1 ? "full within a day" : "full in about " + Math.round(days) + " days";
        return new Forecast(Forecast.Status.FULL_IN, days, confidence, span, when + " (" + pace + ")");
    }
}

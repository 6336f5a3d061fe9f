package io.virtdeck.alerts.firing;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import io.virtdeck.alerts.rules.AlertRule;
import io.virtdeck.alerts.rules.AlertRuleText;
import io.virtdeck.metrics.forecast.ForecastService;
import io.virtdeck.metrics.forecast.PoolForecast;

/**
 * The subjects that match a condition rule now, from what the inventory holds (hosts, guests, pools as last read, HA
 * restarts, backup jobs): any instance answers the same from the database.
 */
@Component
class AlertConditions {

    private static final String ACTIVE = "g.state IN ('RUNNING', 'PAUSED', 'MIGRATING')";

    private final JdbcClient jdbc;
    private final ForecastService forecasts;

    AlertConditions(JdbcClient jdbc, ForecastService forecasts) {
        this.jdbc = jdbc;
        this.forecasts = forecasts;
    }

    /** Each matching subject by its key. */
    Map<String, Finding> matching(AlertRule rule) {
        Map<String, Finding> found = new LinkedHashMap<>();
        AlertRule.Parameters p = rule.parameters();
        switch (rule.kind()) {
            case HOST_LOST -> jdbc.sql("SELECT id, name, state_changed_at, state_reason FROM hosts"
                            + " WHERE state = 'UNREACHABLE' ORDER BY id")
                    .query((rs, n) -> add(found, "host:" + rs.getLong("id"), "Host " + rs.getString("name"),
                            " lost: no answer since " + AlertWords.time(rs.getTimestamp("state_changed_at").toInstant())
                                    + reason(rs.getString("state_reason")), "/hosts/" + rs.getLong("id"))).list();
            case GUEST_CRASHED -> jdbc.sql("SELECT g.id, g.name, h.name AS host FROM guests g JOIN hosts h"
                            + " ON h.id = g.host_id WHERE g.state = 'CRASHED' ORDER BY g.id")
                    .query((rs, n) -> add(found, "guest:" + rs.getLong("id"), "Guest " + rs.getString("name")
                            + " on " + rs.getString("host"), " crashed", "/guests/" + rs.getLong("id"))).list();
            case POOL_ABOVE -> jdbc.sql("""
                            SELECT p.host_id, h.name AS host, p.name, p.capacity_mib, p.allocation_mib FROM pool_usage p
                            JOIN hosts h ON h.id = p.host_id
                            WHERE p.active AND p.capacity_mib > 0 AND p.allocation_mib * 100 >= :percent * p.capacity_mib
                            ORDER BY p.host_id, p.name""")
                    .param("percent", p.percent())
                    .query((rs, n) -> add(found, pool(rs.getLong("host_id"), rs.getString("name")),
                            "Pool " + rs.getString("name") + " on " + rs.getString("host"),
                            " is " + (rs.getLong("allocation_mib") * 100 / rs.getLong("capacity_mib"))
                                    + " % full (rule: at or above " + p.percent() + " %)",
                            "/hosts/" + rs.getLong("host_id") + "/storage")).list();
            case POOL_FULL_WITHIN -> jdbc.sql("""
                            SELECT p.host_id, h.name AS host, p.name FROM pool_usage p JOIN hosts h ON h.id = p.host_id
                            WHERE p.active AND p.capacity_mib > 0 ORDER BY p.host_id, p.name""")
                    .query((rs, n) -> new Object[] {rs.getLong("host_id"), rs.getString("host"), rs.getString("name")})
                    .list().forEach(row -> forecasts.forecastFor((Long) row[0], (String) row[2])
                            .filter(f -> f.daysUntilFull() != null && f.daysUntilFull() <= p.days())
                            .ifPresent(f -> add(found, pool((Long) row[0], (String) row[2]),
                                    "Pool " + row[2] + " on " + row[1], fullIn(f, p.days()),
                                    "/hosts/" + row[0] + "/storage")));
            case MEMORY_OVERCOMMIT -> overcommit(found, "memory is", "h.memory_mib", "g.memory_mib", p.ratio());
            case VCPU_OVERCOMMIT -> overcommit(found, "vCPUs are", "h.cpus", "g.vcpus", p.ratio());
            case HA_RESTART_IMPOSSIBLE -> jdbc.sql("SELECT id, guest_name, from_host, reason FROM ha_restarts"
                            + " WHERE state = 'WAITING' AND reason IS NOT NULL ORDER BY id")
                    .query((rs, n) -> add(found, "ha-restart:" + rs.getLong("id"), "HA guest "
                            + rs.getString("guest_name") + " (host " + rs.getString("from_host") + " lost)",
                            " cannot be restarted: " + rs.getString("reason"), "/ha")).list();
            case BACKUP_MISSED -> jdbc.sql("SELECT id, name, next_run_at FROM backup_jobs"
                            + " WHERE next_run_at < now() - make_interval(mins => :minutes) ORDER BY id")
                    .param("minutes", p.minutes())
                    .query((rs, n) -> add(found, "backup-job:" + rs.getLong("id"), "Scheduled backup "
                            + rs.getString("name"), " missed its schedule: due at "
                            + AlertWords.time(rs.getTimestamp("next_run_at").toInstant()) + ", not started "
                            + p.minutes() + " minutes later", "/backups")).list();
            default -> throw new IllegalArgumentException(rule.kind() + " is an event, not a condition");
        }
        return found;
    }

    /** @param what "memory is", "vCPUs are" */
    private void overcommit(Map<String, Finding> found, String what, String has, String uses, double ratio) {
        jdbc.sql("SELECT h.id, h.name, " + has + " AS has, sum(" + uses + ") AS uses FROM hosts h JOIN guests g"
                        + " ON g.host_id = h.id AND " + ACTIVE + " WHERE " + has + " > 0"
                        + " GROUP BY h.id, h.name, " + has + " HAVING sum(" + uses + ") > :ratio * " + has
                        + " ORDER BY h.id")
                .param("ratio", ratio)
                .query((rs, n) -> add(found, "host:" + rs.getLong("id"), "Host " + rs.getString("name"),
                        "'s " + what + " overcommitted " + AlertRuleText.ratio((double) rs.getLong("uses")
                                / rs.getLong("has")) + " : 1 by its running guests (rule: above "
                                + AlertRuleText.ratio(ratio) + ")", "/hosts/" + rs.getLong("id"))).list();
    }

    private static String fullIn(PoolForecast forecast, int days) {
        double in = forecast.daysUntilFull();
        return in <= 0 ? " is full (rule: forecast full within " + days + " days)"
                : " is forecast full in " + String.format(Locale.ROOT, "%.1f", in) + " days (rule: within " + days
                + " days)";
    }

    private static String pool(long hostId, String name) {
        return "pool:" + hostId + "/" + name;
    }

    private static String reason(String reason) {
        return reason == null || reason.isBlank() ? "" : " (" + reason.strip() + ")";
    }

    /** @param rest the text after the subject: " lost: no answer since 23:14 UTC" */
    private static Finding add(Map<String, Finding> found, String key, String subject, String rest, String link) {
        Finding finding = new Finding(key, subject, subject + rest, link);
        found.put(key, finding);
        return finding;
    }
}

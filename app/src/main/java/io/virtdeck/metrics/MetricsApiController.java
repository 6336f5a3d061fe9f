package io.virtdeck.metrics;

import io.virtdeck.core.Csv;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * OpenAPI: GET /api/v1/guests/{id}/metrics, /api/v1/hosts/{id}/metrics and /api/v1/dashboard/capacity; beyond it
 * (README), the dashboard's trends and top guests, and the capacity table as CSV.
 */
@RestController
class MetricsApiController {

    private final MetricsService metrics;
    private final CapacityService capacity;
    private final DashboardService dashboard;

    MetricsApiController(MetricsService metrics, CapacityService capacity, DashboardService dashboard) {
        this.metrics = metrics;
        this.capacity = capacity;
        this.dashboard = dashboard;
    }

    /** {@code from}, {@code to}: ISO-8601 instants (default: the last hour); {@code step}: seconds or 5m, 1h. */
    @GetMapping("/api/v1/guests/{id}/metrics")
    MetricSeries guest(@PathVariable long id, @RequestParam(required = false) String from,
                       @RequestParam(required = false) String to, @RequestParam(required = false) String step) {
        return metrics.guest(id, from, to, step);
    }

    @GetMapping("/api/v1/hosts/{id}/metrics")
    MetricSeries host(@PathVariable long id, @RequestParam(required = false) String from,
                      @RequestParam(required = false) String to, @RequestParam(required = false) String step) {
        return metrics.host(id, from, to, step);
    }

    /**
     * {@code vcpus}, {@code memoryMiB}: the guest size the "room left" counts (default 2 vCPUs, 4096 MiB);
     * {@code nPlusOne}: the room left and the memory forecast keep the loss of one host in reserve. The N+1 check
     * ({@code nPlusOne}) and the forecasts are always there.
     */
    @GetMapping("/api/v1/dashboard/capacity")
    Capacity capacity(@RequestParam(required = false) Integer vcpus,
                      @RequestParam(required = false) Long memoryMiB,
                      @RequestParam(defaultValue = "false") boolean nPlusOne) {
        return capacity.capacity(vcpus, memoryMiB, nPlusOne);
    }

    /** The capacity table as a CSV download: a line per host and pool, with the pools' forecasts. */
    @GetMapping(value = "/api/v1/dashboard/capacity.csv", produces = "text/csv")
    void capacityCsv(@RequestParam(required = false) Integer vcpus, @RequestParam(required = false) Long memoryMiB,
                     @RequestParam(defaultValue = "false") boolean nPlusOne, HttpServletResponse response) {
        capacity.exportCsv(vcpus, memoryMiB, nPlusOne, () -> Csv.download(response,
                "virtdeck-capacity.csv"));
    }

    /** Fleet CPU and memory: {@code range} 24h (5 min points) or 30d (hourly points). */
    @GetMapping("/api/v1/dashboard/trends")
    FleetTrends trends(@RequestParam(required = false) String range) {
        return dashboard.trends(range);
    }

    /** The busiest guests over the last 5 minutes: {@code by} cpu, memory, disk or network; {@code limit} 1-100. */
    @GetMapping("/api/v1/dashboard/top")
    java.util.List<TopGuest> top(@RequestParam(required = false) String by,
                                 @RequestParam(required = false) Integer limit) {
        return dashboard.top(by, limit);
    }
}

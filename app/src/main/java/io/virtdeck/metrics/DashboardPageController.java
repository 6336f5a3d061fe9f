package io.virtdeck.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.virtdeck.core.Csv;
import io.virtdeck.core.Page;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/** The capacity dashboard: the managers' home. It reads only; there is nothing to act on here. */
@Controller
class DashboardPageController {

    private final CapacityService capacity;
    private final DashboardService dashboard;
    private final MetricsService metrics;

    DashboardPageController(CapacityService capacity, DashboardService dashboard, MetricsService metrics) {
        this.capacity = capacity;
        this.dashboard = dashboard;
        this.metrics = metrics;
    }

    /** Hosts per page of the dashboard's table: the totals above it count every host. */
    static final int HOSTS_PER_PAGE = 50;

    @GetMapping("/dashboard")
    String dashboard(@RequestParam(required = false) Integer vcpus, @RequestParam(required = false) Long memoryMiB,
                     @RequestParam(defaultValue = "false") boolean nPlusOne, @RequestParam(required = false) Integer page,
                     Model model) {
        Capacity figures = capacity.capacity(vcpus, memoryMiB, nPlusOne);
        int pageNumber = Page.checkedPage(page);
        List<Capacity.HostCapacity> hosts = figures.hosts();
        int first = Math.min(hosts.size(), pageNumber * HOSTS_PER_PAGE);
        model.addAttribute("capacity", figures);
        model.addAttribute("hosts", new Page<>(hosts.subList(first, Math.min(hosts.size(), first + HOSTS_PER_PAGE)),
                hosts.size(), pageNumber, HOSTS_PER_PAGE));
        Map<String, List<TopGuest>> top = new LinkedHashMap<>();
        dashboard.topOfEach(5).forEach((measure, guests) -> top.put(measure.label(), guests));
        model.addAttribute("top", top);
        return "metrics/dashboard";
    }

    /** The page's "Export CSV": the REST export, reached with the page's login session. */
    @GetMapping("/dashboard/capacity.csv")
    void capacityCsv(@RequestParam(required = false) Integer vcpus, @RequestParam(required = false) Long memoryMiB,
                     @RequestParam(defaultValue = "false") boolean nPlusOne, HttpServletResponse response) {
        capacity.exportCsv(vcpus, memoryMiB, nPlusOne,
                () -> Csv.download(response, "virtdeck-capacity.csv"));
    }

    // The charts' data for pages: the REST API's answers, reached with the page's login session (the API itself
    // takes HTTP Basic only).

    @GetMapping("/charts/fleet")
    @ResponseBody
    FleetTrends fleet(@RequestParam(required = false) String range) {
        return dashboard.trends(range);
    }

    @GetMapping("/charts/guests/{id}")
    @ResponseBody
    MetricSeries guest(@PathVariable long id, @RequestParam(required = false) String from,
                       @RequestParam(required = false) String to, @RequestParam(required = false) String step) {
        return metrics.guest(id, from, to, step);
    }

    @GetMapping("/charts/hosts/{id}")
    @ResponseBody
    MetricSeries host(@PathVariable long id, @RequestParam(required = false) String from,
                      @RequestParam(required = false) String to, @RequestParam(required = false) String step) {
        return metrics.host(id, from, to, step);
    }
}

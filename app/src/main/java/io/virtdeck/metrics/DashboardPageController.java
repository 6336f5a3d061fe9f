package io.virtdeck.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    @GetMapping("/dashboard")
    String dashboard(@RequestParam(required = false) Integer vcpus, @RequestParam(required = false) Long memoryMiB,
                     Model model) {
        model.addAttribute("capacity", capacity.capacity(vcpus, memoryMiB));
        Map<String, List<TopGuest>> top = new LinkedHashMap<>();
        dashboard.topOfEach(5).forEach((measure, guests) -> top.put(measure.label(), guests));
        model.addAttribute("top", top);
        return "metrics/dashboard";
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

package io.virtdeck.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The capacity dashboard: the managers' home. It reads only; there is nothing to act on here. */
@Controller
class DashboardPageController {

    private final CapacityService capacity;
    private final DashboardService dashboard;

    DashboardPageController(CapacityService capacity, DashboardService dashboard) {
        this.capacity = capacity;
        this.dashboard = dashboard;
    }

    @GetMapping("/dashboard")
    String dashboard(@RequestParam(required = false) Integer vcpus, @RequestParam(required = false) Long memoryMiB,
                     Model model) {
        model.addAttribute("capacity", capacity.capacity(vcpus, memoryMiB));
        Map<String, List<TopGuest>> top = new LinkedHashMap<>();
        for (TopMeasure measure : TopMeasure.values()) {
            top.put(measure.label(), dashboard.top(measure.label(), 5));
        }
        model.addAttribute("top", top);
        return "metrics/dashboard";
    }
}

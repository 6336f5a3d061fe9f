package io.virtdeck.bulk;

import java.util.Arrays;
import java.util.List;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestFilter;
import io.virtdeck.inventory.GuestKind;
import io.virtdeck.inventory.HostService;

/**
 * The guest list's action bar: the selection (rows, this page, or all matching the filter) and the action go to a
 * confirmation naming the count (and the guests, when few) and, for destructive actions, what is lost; then the
 * bulk action's page follows its guests' tasks until the result lists every guest that failed or was skipped.
 */
@Controller
class BulkActionPageController {

    /** Up to this many guests, the confirmation names each. */
    private static final int NAMED_UP_TO = 10;

    private final BulkActionService bulk;
    private final HostService hostService;

    BulkActionPageController(BulkActionService bulk, HostService hostService) {
        this.bulk = bulk;
        this.hostService = hostService;
    }

    @PostMapping("/guests/bulk-actions/confirm")
    String confirm(@RequestParam(defaultValue = "") String action,
                   @RequestParam(required = false) List<Long> guestIds,
                   @RequestParam(required = false) List<Long> pageIds,
                   @RequestParam(defaultValue = "false") boolean allOnPage,
                   @RequestParam(defaultValue = "false") boolean allMatching,
                   @RequestParam(required = false) Long host,
                   @RequestParam(required = false) DomainRunState state,
                   @RequestParam(required = false) String q,
                   @RequestParam(required = false) List<String> tag,
                   @RequestParam(required = false) GuestKind kind,
                   Model model, RedirectAttributes redirect) {
        bulk.requireMayAct();
        BulkSelection selection = new BulkSelection(action, guestIds, pageIds, allOnPage, allMatching, host, state, q,
                tag, kind);
        BulkAction parsed = BulkAction.parse(action);
        long count;
        List<Guest> named = List.of();
        if (allMatching) {
            count = bulk.countMatching(new GuestFilter(host, state, q, tag, kind));
        } else {
            List<Long> ids = selection.ids();
            count = ids.size();
            if (count > 0 && count <= NAMED_UP_TO) {
                named = bulk.preview(ids);
            }
        }
        if (count == 0) {
            redirect.addFlashAttribute("problem", "Select at least one guest (tick its row, all on this page, or all"
                    + " matching the filter), then choose the action.");
            return "redirect:/guests";
        }
        model.addAttribute("selection", selection);
        model.addAttribute("action", parsed);
        model.addAttribute("count", count);
        model.addAttribute("named", named);
        model.addAttribute("hostFilter", hostService.hostFilter(null));
        return "bulk/confirm";
    }

    @PostMapping("/guests/bulk-actions")
    String start(@RequestParam(defaultValue = "") String action,
                 @RequestParam(required = false) List<Long> guestIds,
                 @RequestParam(required = false) Long host,
                 @RequestParam(required = false) DomainRunState state,
                 @RequestParam(required = false) String q,
                 @RequestParam(required = false) List<String> tag,
                 @RequestParam(required = false) GuestKind kind,
                 @RequestParam(defaultValue = "false") boolean allMatching,
                 @RequestParam(required = false) String snapshotName,
                 @RequestParam(required = false) String target,
                 @RequestParam(required = false) String tags,
                 RedirectAttributes redirect) {
        BulkSelection selection = new BulkSelection(action, guestIds, null, false, allMatching, host, state, q, tag,
                kind);
        boolean place = "place".equals(target);
        Long targetHostId = place || target == null || target.isBlank() ? null : targetHost(target.strip());
        try {
            BulkStarted started = bulk.start(selection.request(snapshotName, targetHostId, place,
                    tags == null ? null : Arrays.stream(tags.split("[\\s,]+")).filter(t -> !t.isEmpty()).toList()));
            return "redirect:/guests/bulk-actions/" + started.task().id();
        } catch (VirtdeckException e) {
            if (e.status().value() == 404) {
                throw e;
            }
            redirect.addFlashAttribute("problem", e.getMessage());
            return "redirect:/guests";
        }
    }

    /** The target chosen from the hosts offered (an id) or typed by name where there are too many to offer. */
    private Long targetHost(String target) {
        if (target.chars().allMatch(Character::isDigit) && target.length() < 19) {
            return Long.valueOf(target);
        }
        return hostService.visibleHostNamed(target).orElseThrow(() -> VirtdeckException.invalid("targetHostId",
                "There is no host named '" + target + "'."));
    }

    @GetMapping("/guests/bulk-actions/{taskId}")
    String result(@PathVariable long taskId, Model model) {
        model.addAttribute("result", bulk.result(taskId));
        return "bulk/result";
    }

    /** The page's progress and result, fetched every two seconds while the bulk action runs. */
    @GetMapping("/guests/bulk-actions/{taskId}/progress")
    String progress(@PathVariable long taskId, Model model) {
        model.addAttribute("result", bulk.result(taskId));
        return "bulk/result :: progress";
    }

    @PostMapping("/guests/bulk-actions/{taskId}/cancel")
    String cancel(@PathVariable long taskId, RedirectAttributes redirect) {
        try {
            bulk.cancel(taskId);
            redirect.addFlashAttribute("notice", "Cancelling: the guests being acted on finish, the others are"
                    + " skipped.");
        } catch (VirtdeckException e) {
            if (e.status().value() == 404) {
                throw e;
            }
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/guests/bulk-actions/" + taskId;
    }
}

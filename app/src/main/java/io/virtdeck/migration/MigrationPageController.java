package io.virtdeck.migration;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestQuery;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostService;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import io.virtdeck.task.Task;

/**
 * The migrate page of a guest and the maintenance confirmation of a host. Refusals (409/400) come back on the same
 * page in an error box with the form as it was filled in; a started task comes back as a notice on the object's page.
 */
@Controller
public class MigrationPageController {

    /** How the request fields read on the pages, for the services' messages that name them. */
    private static final Map<String, String> FIELD_LABELS = Map.of(
            "maxDowntimeMs", "Maximum downtime (ms)",
            "bandwidthMiBps", "Bandwidth limit (MiB/s)");

    private final MigrationService migrations;
    private final MaintenanceService maintenance;
    private final GuestQuery guests;
    private final HostService hosts;

    private final Permissions permissions;

    MigrationPageController(MigrationService migrations, MaintenanceService maintenance, GuestQuery guests,
                            HostService hosts, Permissions permissions) {
        this.permissions = permissions;
        this.migrations = migrations;
        this.maintenance = maintenance;
        this.guests = guests;
        this.hosts = hosts;
    }

    // ---- migrate a guest ----

    @GetMapping("/guests/{id}/migrate")
    String migratePage(@PathVariable long id, Model model) {
        return showMigrate(id, MigrateForm.EMPTY, model);
    }

    @PostMapping("/guests/{id}/migrate")
    String migrate(@PathVariable long id, @ModelAttribute("form") MigrateForm form, Model model,
                   HttpServletResponse response, RedirectAttributes redirect) {
        Guest guest = guests.get(id);
        try {
            Long target = whole("targetHostId", "The chosen host", form.targetHostId());
            MigrationRequest request = new MigrationRequest(target, null,
                    number("maxDowntimeMs", form.maxDowntimeMs()), number("bandwidthMiBps", form.bandwidthMiBps()),
                    checked(form.autoConverge()), checked(form.postCopy()), checked(form.copyStorage()),
                    checked(form.unsafe()));
            Task task = migrations.migrate(id, request);
            redirect.addFlashAttribute("notice", "Migration of '" + guest.name() + "' to " + hostName(target)
                    + " started (task " + task.id() + "); follow it in the tasks panel.");
            return "redirect:/guests/" + id;
        } catch (VirtdeckException e) {
            if (e.status() == HttpStatus.NOT_FOUND) {
                throw e;
            }
            response.setStatus(e.status().value());
            model.addAttribute("problem", "targetHostId".equals(e.field()) && !filled(form.targetHostId())
                    ? "Choose the host to move '" + guest.name() + "' to." : inPageWords(e));
            return showMigrate(id, form, model);
        }
    }

    private String showMigrate(long id, MigrateForm form, Model model) {
        List<MigrationService.Target> targets;
        try {
            targets = migrations.targets(id).stream()
                    .sorted(Comparator.comparing((MigrationService.Target t) -> !t.problems().isEmpty())
                            .thenComparing(t -> t.host().name()))
                    .toList();
        } catch (HypervisorException e) {
            targets = List.of();
            model.addAttribute("targetsProblem", "The other hosts cannot be checked now. "
                    + HypervisorErrors.message(e));
        }
        Guest guest = guests.get(id);
        long possible = targets.stream().filter(t -> t.problems().isEmpty()).count();
        MigrateForm shown = form;
        if (form.targetHostId() == null && possible == 1) {
            // only one place to go: preselect it, the operator still confirms with the button
            shown = form.withTarget(String.valueOf(targets.get(0).host().id()));
        }
        model.addAttribute("guest", guest);
        model.addAttribute("targets", targets);
        model.addAttribute("possibleTargets", possible);
        model.addAttribute("mode", mode(guest));
        model.addAttribute("form", shown);
        return "migration/migrate";
    }

    /** How the guest would move, as the service decides it by state: live, offline, or not now. */
    private static String mode(Guest guest) {
        return switch (guest.state()) {
            case RUNNING, PAUSED -> "live";
            case SHUTOFF, CRASHED -> "offline";
            case MIGRATING -> "migrating";
            case UNKNOWN -> "unknown";
        };
    }

    // ---- maintenance of a host ----

    /** The form only for those who may operate on the object (the permission check answers 404 or 403). */
    @GetMapping("/hosts/{id}/maintenance")
    public String maintenancePage(@PathVariable long id, Model model) {
        permissions.requireHost(Action.OPERATE, id);
        return showMaintenance(id, MaintenanceForm.EMPTY, model);
    }

    @PostMapping("/hosts/{id}/maintenance")
    String enterMaintenance(@PathVariable long id, @RequestParam(defaultValue = "true") boolean enabled,
                            @ModelAttribute("form") MaintenanceForm form, Model model,
                            HttpServletResponse response, RedirectAttributes redirect) {
        if (!enabled) {
            return leaveMaintenance(id, redirect);
        }
        Host host = hosts.get(id);
        try {
            MaintenanceRequest request = new MaintenanceRequest(true,
                    number("maxDowntimeMs", form.maxDowntimeMs()), number("bandwidthMiBps", form.bandwidthMiBps()),
                    checked(form.autoConverge()), checked(form.copyStorage()), checked(form.unsafe()));
            Task task = maintenance.enter(id, request);
            redirect.addFlashAttribute("notice", "Host " + host.name() + " is going into maintenance: no new guests"
                    + " are placed there; evacuation started (task " + task.id() + "). Follow it in the tasks panel.");
            return "redirect:/hosts/" + id;
        } catch (VirtdeckException e) {
            if (e.status() == HttpStatus.NOT_FOUND) {
                throw e;
            }
            response.setStatus(e.status().value());
            model.addAttribute("problem", inPageWords(e));
            return showMaintenance(id, form, model);
        }
    }

    @PostMapping("/hosts/{id}/maintenance/leave")
    String leaveMaintenance(@PathVariable long id, RedirectAttributes redirect) {
        try {
            Host host = maintenance.leave(id);
            redirect.addFlashAttribute("notice", "Host " + host.name() + " is back in service: new guests may be"
                    + " placed there again.");
        } catch (VirtdeckException e) {
            if (e.status() == HttpStatus.NOT_FOUND) {
                throw e;
            }
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/hosts/" + id;
    }

    private String showMaintenance(long id, MaintenanceForm form, Model model) {
        model.addAttribute("host", hosts.get(id));
        model.addAttribute("running", maintenance.runningOn(id));
        model.addAttribute("form", form);
        return "migration/maintenance";
    }

    // ---- form values ----

    /** The migrate form as posted; numbers stay text so that the page can show them back exactly as typed. */
    public record MigrateForm(String targetHostId, String maxDowntimeMs, String bandwidthMiBps, Boolean autoConverge,
                       Boolean postCopy, Boolean copyStorage, Boolean unsafe) {

        static final MigrateForm EMPTY = new MigrateForm(null, null, null, null, null, null, null);

        MigrateForm withTarget(String target) {
            return new MigrateForm(target, maxDowntimeMs, bandwidthMiBps, autoConverge, postCopy, copyStorage, unsafe);
        }

        /** Open the Advanced section when any of its options was set. */
        public boolean advanced() {
            return filled(maxDowntimeMs) || filled(bandwidthMiBps) || checked(autoConverge) || checked(postCopy)
                    || checked(copyStorage) || checked(unsafe);
        }
    }

    /** The maintenance form as posted. */
    public record MaintenanceForm(String maxDowntimeMs, String bandwidthMiBps, Boolean autoConverge, Boolean copyStorage,
                           Boolean unsafe) {

        static final MaintenanceForm EMPTY = new MaintenanceForm(null, null, null, null, null);

        public boolean advanced() {
            return filled(maxDowntimeMs) || filled(bandwidthMiBps) || checked(autoConverge) || checked(copyStorage)
                    || checked(unsafe);
        }
    }

    private static boolean filled(String value) {
        return value != null && !value.isBlank();
    }

    private static boolean checked(Boolean value) {
        return Boolean.TRUE.equals(value);
    }

    /** An optional whole number typed into the form: empty means "libvirt's default" (null). */
    private static Integer number(String field, String value) {
        Long parsed = whole(field, FIELD_LABELS.get(field), value);
        if (parsed != null && (parsed < Integer.MIN_VALUE || parsed > Integer.MAX_VALUE)) {
            throw VirtdeckException.invalid(field, FIELD_LABELS.get(field) + " is far too large.");
        }
        return parsed == null ? null : parsed.intValue();
    }

    private static Long whole(String field, String label, String value) {
        if (!filled(value)) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw VirtdeckException.invalid(field, "targetHostId".equals(field)
                    ? label + " is not a host Virtdeck knows; choose one from the list."
                    : label + " must be a whole number, or empty for libvirt's default.");
        }
    }

    /** The services name request fields as the API spells them; on a page they read as the form's labels. */
    private static String inPageWords(VirtdeckException e) {
        String label = e.field() == null ? null : FIELD_LABELS.get(e.field());
        if (label != null && e.getMessage().startsWith(e.field() + " ")) {
            return label + e.getMessage().substring(e.field().length());
        }
        return e.getMessage();
    }

    private String hostName(long hostId) {
        try {
            return hosts.get(hostId).name();
        } catch (VirtdeckException e) {
            return "host " + hostId;
        }
    }
}

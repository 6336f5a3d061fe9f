package io.virtdeck.backup;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.web.RefusedForm;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.security.Action;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.Permissions;

/**
 * The Backups page: the stores and the scheduled jobs, with forms to make, change and delete them (through the same
 * services as the REST API: permissions and audit are theirs). Help desk sees nothing of it.
 */
@Controller
class BackupsPageController {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm z", Locale.ROOT);

    private final BackupStoreService stores;
    private final BackupJobService jobs;
    private final BackupFormChoices choices;
    private final Permissions permissions;

    BackupsPageController(BackupStoreService stores, BackupJobService jobs, BackupFormChoices choices,
                          Permissions permissions) {
        this.stores = stores;
        this.jobs = jobs;
        this.choices = choices;
        this.permissions = permissions;
    }

    @GetMapping("/backups")
    String page(Model model) {
        permissions.visibleOrDeny(Action.READ_HOST);
        List<BackupStoreView> all = stores.list();
        model.addAttribute("stores", all);
        model.addAttribute("jobs", jobs.list().stream().map(job -> row(job, all)).toList());
        model.addAttribute("mayOperate", !permissions.visible(Action.OPERATE).nothing());
        model.addAttribute("zone", ZoneId.systemDefault().getId());
        return "backup/backups";
    }

    /** A job as its table row says it, in words. */
    record JobRow(BackupJob job, String target, Long targetGuestId, String store, String retention, String verify,
                  String nextRun, String lastRun, String lastOutcome, boolean lastOutcomeFailed, boolean mayOperate) {
    }

    private JobRow row(BackupJob job, List<BackupStoreView> all) {
        BackupStoreView store = all.stream().filter(s -> s.id() == job.storeId()).findFirst().orElse(null);
        String target = switch (job.scope()) {
            case GUEST -> choices.guestName(job.guestId());
            case HOST -> "Every guest of host " + choices.hostName(job.hostId());
            case ALL -> "Every guest";
        };
        Map<String, Long> states = jobs.lastRunStates(job);
        List<String> outcome = new ArrayList<>();
        states.forEach((state, count) -> outcome.add(count + " " + state.toLowerCase(Locale.ROOT)));
        return new JobRow(job, target, job.scope() == BackupJob.Scope.GUEST ? job.guestId() : null,
                store == null ? "—" : store.name(), retentionWords(job.retention()), verifyWords(job.verify()),
                when(job.nextRunAt().atZone(ZoneId.systemDefault())),
                job.lastRunAt() == null ? null : when(job.lastRunAt().atZone(ZoneId.systemDefault())),
                outcome.isEmpty() ? null : String.join(", ", outcome), states.containsKey("FAILED"),
                store != null && permissions.allows(Action.OPERATE, scopeOf(store)));
    }

    static String retentionWords(Retention r) {
        List<String> parts = new ArrayList<>();
        if (r.keepLast() != null) {
            parts.add("the last " + r.keepLast());
        }
        if (r.keepDaily() != null) {
            parts.add("1 a day for " + r.keepDaily() + " day(s)");
        }
        if (r.keepWeekly() != null) {
            parts.add("1 a week for " + r.keepWeekly() + " week(s)");
        }
        if (r.keepMonthly() != null) {
            parts.add("1 a month for " + r.keepMonthly() + " month(s)");
        }
        return "Keeps " + String.join("; ", parts);
    }

    private static String verifyWords(VerifyRequest verify) {
        if (verify == null) {
            return "No";
        }
        return "serial".equals(verify.signOfLife()) ? "Boots, shows '" + verify.serialText() + "'"
                : "Boots, guest agent answers";
    }

    private static String when(ZonedDateTime at) {
        return WHEN.format(at);
    }

    // ---- stores

    /** What rights over a store follow: its host's, or the whole fleet's for a directory of the server. */
    private static ObjectRef scopeOf(BackupStoreView store) {
        return store.hostId() == null ? ObjectRef.root() : ObjectRef.host(store.hostId());
    }

    /**
     * The store form's fields: {@code place} "pool" (a pool of a host) or "directory" (a directory on the Virtdeck
     * server, offered to administrators).
     */
    record StoreForm(String name, Long hostId, String pool, String place, String directory) {

        static StoreForm empty() {
            return new StoreForm("", null, "", "pool", "");
        }

        public boolean inDirectory() {
            return "directory".equals(place);
        }

        BackupStoreRequest toRequest() {
            return inDirectory() ? new BackupStoreRequest(name, null, null, directory)
                    : new BackupStoreRequest(name, hostId, pool);
        }
    }

    @GetMapping("/backups/stores/new")
    String newStore(Model model) {
        return storeForm(StoreForm.empty(), null, model);
    }

    @PostMapping("/backups/stores")
    String createStore(@ModelAttribute StoreForm form, Model model, HttpServletResponse response,
                       RedirectAttributes redirect) {
        try {
            BackupStoreView store = stores.create(form.toRequest());
            redirect.addFlashAttribute("notice", "Store '" + store.name() + "' was registered: " + (store.directory()
                    != null ? "directory " + store.directory() + " on the Virtdeck server"
                    : "pool " + store.pool() + " of host " + store.hostName()) + ".");
            return "redirect:/backups";
        } catch (VirtdeckException e) {
            RefusedForm.show(e, "The store was not registered", model, response, BackupsPageController::formField);
            return storeForm(form, null, model);
        }
    }

    @GetMapping("/backups/stores/{id}/edit")
    String editStore(@PathVariable long id, Model model) {
        BackupStoreView store = operableStore(id);
        return storeForm(new StoreForm(store.name(), store.hostId(), store.pool(),
                store.directory() == null ? "pool" : "directory", store.directory()), store, model);
    }

    @PostMapping("/backups/stores/{id}")
    String renameStore(@PathVariable long id, @ModelAttribute StoreForm form, Model model,
                       HttpServletResponse response, RedirectAttributes redirect) {
        try {
            BackupStoreView store = stores.rename(id, form.name());
            redirect.addFlashAttribute("notice", "Store '" + store.name() + "' was saved.");
            return "redirect:/backups";
        } catch (VirtdeckException e) {
            RefusedForm.show(e, "The store was not changed", model, response, BackupsPageController::formField);
            return storeForm(form, stores.get(id), model);
        }
    }

    /** The pool choices of a host, for the store form (loaded again when its host changes). */
    @GetMapping("/backups/stores/pools")
    String pools(@RequestParam(required = false) Long hostId, @RequestParam(defaultValue = "") String pool,
                 Model model) {
        permissions.visibleOrDeny(Action.OPERATE);
        model.addAttribute("form", new StoreForm("", hostId, pool, "pool", ""));
        poolChoices(hostId, model);
        return "backup/store-form :: pool-field";
    }

    /** @param existing the store being changed (its place is fixed); null for a new one */
    private String storeForm(StoreForm form, BackupStoreView existing, Model model) {
        var hosts = choices.operableHosts();
        Long hostId = form.hostId() != null || hosts.isEmpty() ? form.hostId() : hosts.get(0).id();
        model.addAttribute("form", new StoreForm(form.name(), hostId, form.pool(),
                form.place() == null ? "pool" : form.place(), form.directory()));
        model.addAttribute("existing", existing);
        model.addAttribute("mayUseServer", permissions.allows(Action.ADMINISTER, ObjectRef.root()));
        model.addAttribute("hosts", hosts);
        if (existing == null) {
            poolChoices(hostId, model);
        }
        return "backup/store-form";
    }

    /** The host's running pools that hold files; a host that cannot be asked now is said so. */
    private void poolChoices(Long hostId, Model model) {
        List<PoolFacts> pools = List.of();
        String poolsProblem = null;
        // pools that are stores already are shown, not offered
        Map<String, String> storeOfPool = stores.list().stream()
                .filter(s -> hostId != null && hostId.equals(s.hostId()))
                .collect(java.util.stream.Collectors.toMap(BackupStoreView::pool, BackupStoreView::name));
        model.addAttribute("storeOfPool", storeOfPool);
        if (hostId != null) {
            try {
                pools = choices.storePools(hostId);
            } catch (HypervisorException e) {
                poolsProblem = "The host's pools cannot be read now: " + e.getMessage();
            }
        }
        model.addAttribute("pools", pools);
        model.addAttribute("freePools", pools.stream().filter(p -> !storeOfPool.containsKey(p.name())).count());
        model.addAttribute("poolsProblem", poolsProblem);
    }

    private BackupStoreView operableStore(long id) {
        BackupStoreView store = stores.get(id);
        permissions.require(Action.OPERATE, scopeOf(store));
        return store;
    }

    @GetMapping("/backups/stores/{id}/delete")
    String confirmStoreDelete(@PathVariable long id, Model model) {
        BackupStoreView store = operableStore(id);
        List<String> goes = new ArrayList<>();
        goes.add("Virtdeck's catalogue of its " + store.chains() + " chain(s) and " + store.points()
                + " backup(s): they can no longer be restored from Virtdeck.");
        jobs.list().stream().filter(job -> job.storeId() == id)
                .forEach(job -> goes.add("Job '" + job.name() + "', which writes to it."));
        model.addAttribute("question", "Delete store '" + store.name() + "'?");
        model.addAttribute("goes", goes);
        model.addAttribute("stays", "The backup files stay in " + (store.directory() != null ? "directory "
                + store.directory() + " on the Virtdeck server" : "pool " + store.pool() + " of host "
                + store.hostName()) + ", to be deleted there if they are not wanted.");
        model.addAttribute("action", "/backups/stores/" + id + "/delete");
        model.addAttribute("button", "Delete store " + store.name());
        return "backup/delete";
    }

    @PostMapping("/backups/stores/{id}/delete")
    String deleteStore(@PathVariable long id, RedirectAttributes redirect) {
        String name = stores.get(id).name();
        return changed(redirect, () -> {
            stores.delete(id);
            return "Store '" + name + "' was deleted; its files stay in its pool.";
        });
    }

    // ---- jobs

    /** The job form's fields, as typed: counts stay text until read, so that "x" is told about by its field. */
    record JobForm(String name, String scope, String guestName, Long hostId, Long storeId, String schedule,
                   String keepLast, String keepDaily, String keepWeekly, String keepMonthly, String verify,
                   String verifyText, String verifyTimeout) {

        static JobForm empty() {
            return new JobForm("", "guest", "", null, null, "30 2 * * *", "7", "", "", "", "", "", "");
        }

        static JobForm of(BackupJob job, String guestName) {
            Retention r = job.retention();
            VerifyRequest v = job.verify();
            return new JobForm(job.name(), job.scope().name().toLowerCase(Locale.ROOT), guestName, job.hostId(),
                    job.storeId(), job.schedule(), text(r.keepLast()), text(r.keepDaily()), text(r.keepWeekly()),
                    text(r.keepMonthly()), v == null ? "" : v.signOfLife(), v == null ? "" : v.serialText(),
                    v == null ? "" : text(v.timeoutSeconds()));
        }

        private static String text(Integer count) {
            return count == null ? "" : count.toString();
        }

        /** The request, with the guest found by name on the store's host (backups go to a store on it). */
        BackupJobRequest toRequest(BackupFormChoices choices, BackupStoreService stores) {
            Long guestId = null;
            if ("guest".equals(scope) && guestName != null && !guestName.isBlank() && storeId != null) {
                try {
                    guestId = choices.guestNamed(stores.get(storeId).hostId(), guestName.trim()).orElse(null);
                } catch (VirtdeckException e) {
                    guestId = null; // no such store: the service names the field
                }
            }
            VerifyRequest verifyRequest = verify == null || verify.isBlank() ? null
                    : new VerifyRequest(verify, "serial".equals(verify) ? verifyText : null,
                    count("verify.timeoutSeconds", verifyTimeout));
            return new BackupJobRequest(name, scope, guestId, hostId, storeId, schedule,
                    new Retention(count("retention.keepLast", keepLast), count("retention.keepDaily", keepDaily),
                            count("retention.keepWeekly", keepWeekly), count("retention.keepMonthly", keepMonthly)),
                    verifyRequest);
        }

        private static Integer count(String field, String text) {
            if (text == null || text.isBlank()) {
                return null;
            }
            try {
                return Integer.valueOf(text.trim());
            } catch (NumberFormatException e) {
                throw VirtdeckException.invalid(field, "'" + text + "' is not a whole number.");
            }
        }
    }

    @GetMapping("/backups/jobs/new")
    String newJob(Model model) {
        permissions.visibleOrDeny(Action.OPERATE);
        return jobForm(JobForm.empty(), null, model);
    }

    @PostMapping("/backups/jobs")
    String createJob(@ModelAttribute JobForm form, Model model, HttpServletResponse response,
                     RedirectAttributes redirect) {
        try {
            BackupJob job = jobs.create(form.toRequest(choices, stores));
            redirect.addFlashAttribute("notice", "Job '" + job.name() + "' was made; its first run is "
                    + when(job.nextRunAt().atZone(ZoneId.systemDefault())) + ".");
            return "redirect:/backups";
        } catch (VirtdeckException e) {
            RefusedForm.show(e, "The job was not made", model, response, BackupsPageController::formField);
            return jobForm(form, null, model);
        }
    }

    @GetMapping("/backups/jobs/{id}/edit")
    String editJob(@PathVariable long id, Model model) {
        BackupJob job = operableJob(id);
        String guestName = job.guestId() == null ? "" : choices.guestName(job.guestId());
        return jobForm(JobForm.of(job, guestName), job, model);
    }

    @PostMapping("/backups/jobs/{id}")
    String updateJob(@PathVariable long id, @ModelAttribute JobForm form, Model model,
                     HttpServletResponse response, RedirectAttributes redirect) {
        try {
            BackupJob job = jobs.update(id, form.toRequest(choices, stores));
            redirect.addFlashAttribute("notice", "Job '" + job.name() + "' was saved; its next run is "
                    + when(job.nextRunAt().atZone(ZoneId.systemDefault())) + ".");
            return "redirect:/backups";
        } catch (VirtdeckException e) {
            RefusedForm.show(e, "The job was not changed", model, response, BackupsPageController::formField);
            return jobForm(form, jobs.get(id), model);
        }
    }

    /** The next runs of a schedule as it is typed, or why it is none. */
    @GetMapping("/backups/jobs/next-runs")
    String nextRuns(@RequestParam(defaultValue = "") String schedule, Model model) {
        scheduleHelp(schedule, model);
        return "backup/job-form :: next-runs";
    }

    private String jobForm(JobForm form, BackupJob existing, Model model) {
        model.addAttribute("form", form);
        model.addAttribute("existing", existing);
        model.addAttribute("stores", stores.list().stream()
                .filter(s -> permissions.allows(Action.OPERATE, scopeOf(s))).toList());
        model.addAttribute("hosts", choices.operableHosts());
        model.addAttribute("zone", ZoneId.systemDefault().getId());
        if (!"schedule".equals(model.getAttribute("errorField"))) {
            scheduleHelp(form.schedule(), model);
        }
        return "backup/job-form";
    }

    private void scheduleHelp(String schedule, Model model) {
        try {
            model.addAttribute("nextRuns", jobs.nextRuns(schedule, 3).stream().map(BackupsPageController::when)
                    .toList());
        } catch (VirtdeckException e) {
            if (e.status() == HttpStatus.FORBIDDEN) {
                throw e;
            }
            model.addAttribute("scheduleProblem", e.getMessage());
        }
    }

    private BackupJob operableJob(long id) {
        BackupJob job = jobs.get(id);
        permissions.require(Action.OPERATE, scopeOf(stores.get(job.storeId())));
        return job;
    }

    @GetMapping("/backups/jobs/{id}/delete")
    String confirmJobDelete(@PathVariable long id, Model model) {
        BackupJob job = operableJob(id);
        model.addAttribute("question", "Delete job '" + job.name() + "'?");
        model.addAttribute("goes", List.of("Job '" + job.name() + "' and its schedule (" + job.schedule()
                + "): no more backups are made by it, and none is pruned by its retention."));
        model.addAttribute("stays", "The backups it made stay in their store, each restorable from its guest's"
                + " Backups tab.");
        model.addAttribute("action", "/backups/jobs/" + id + "/delete");
        model.addAttribute("button", "Delete job " + job.name());
        return "backup/delete";
    }

    @PostMapping("/backups/jobs/{id}/delete")
    String deleteJob(@PathVariable long id, RedirectAttributes redirect) {
        String name = jobs.get(id).name();
        return changed(redirect, () -> {
            jobs.delete(id);
            return "Job '" + name + "' was deleted; the backups it made stay.";
        });
    }

    @PostMapping("/backups/jobs/{id}/run")
    String runJob(@PathVariable long id, RedirectAttributes redirect) {
        return changed(redirect, () -> "Job '" + jobs.get(id).name() + "': " + jobs.runNow(id));
    }

    // ---- shared

    /** A change made from a list or a confirmation: back to the page with what happened, or why not. */
    private static String changed(RedirectAttributes redirect, java.util.function.Supplier<String> change) {
        try {
            redirect.addFlashAttribute("notice", change.get());
        } catch (VirtdeckException e) {
            if (e.status() == HttpStatus.NOT_FOUND) {
                throw e;
            }
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/backups";
    }

    /** The form's field for a field the services name. */
    private static String formField(String field) {
        return switch (field) {
            case "guestId" -> "guestName";
            case "retention.keepLast" -> "keepLast";
            case "retention.keepDaily" -> "keepDaily";
            case "retention.keepWeekly" -> "keepWeekly";
            case "retention.keepMonthly" -> "keepMonthly";
            case "verify.signOfLife" -> "verify";
            case "verify.serialText" -> "verifyText";
            case "verify.timeoutSeconds" -> "verifyTimeout";
            default -> field;
        };
    }
}

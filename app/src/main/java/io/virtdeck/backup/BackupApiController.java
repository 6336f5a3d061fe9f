package io.virtdeck.backup;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.clone.GuestCloneApiController;
import io.virtdeck.task.Task;

/** Backup stores, a guest's backups, backing up and restoring (202 with the task). */
@RestController
public class BackupApiController {

    private final BackupStoreService stores;
    private final BackupService backups;
    private final BackupJobService jobs;

    BackupApiController(BackupStoreService stores, BackupService backups, BackupJobService jobs) {
        this.stores = stores;
        this.backups = backups;
        this.jobs = jobs;
    }

    @GetMapping("/api/v1/backup-stores")
    List<BackupStoreView> stores() {
        return stores.list();
    }

    @GetMapping("/api/v1/backup-stores/{id}")
    BackupStoreView store(@PathVariable long id) {
        return stores.get(id);
    }

    /** 201 with the store; 400 naming the field for an unknown host or pool, or a pool that holds no files. */
    @PostMapping("/api/v1/backup-stores")
    ResponseEntity<BackupStoreView> createStore(@RequestBody BackupStoreRequest request) {
        BackupStoreView store = stores.create(request);
        return ResponseEntity.created(URI.create("/api/v1/backup-stores/" + store.id())).body(store);
    }

    /** Renames the store: 200 with it; where it is stays (its backups are there). */
    @PutMapping("/api/v1/backup-stores/{id}")
    BackupStoreView renameStore(@PathVariable long id, @RequestBody StoreRename request) {
        return stores.rename(id, request.name());
    }

    /** A store's new name. */
    record StoreRename(String name) {
    }

    /** Forgets the store and its catalogue; its files stay in the pool. */
    @DeleteMapping("/api/v1/backup-stores/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void deleteStore(@PathVariable long id) {
        stores.delete(id);
    }

    /** The guest's backups, newest first. */
    @GetMapping("/api/v1/guests/{id}/backups")
    List<BackupPoint> points(@PathVariable long id) {
        return backups.points(id);
    }

    /** Backs the guest up: 202 with the task; incremental where its chain can go on, else full (the reason told). */
    @PostMapping("/api/v1/guests/{id}/backups")
    ResponseEntity<Task> backUp(@PathVariable long id, @RequestBody BackupRunRequest request) {
        return GuestCloneApiController.accepted(backups.backUp(id, request));
    }

    @GetMapping("/api/v1/backups/{id}")
    BackupPoint point(@PathVariable long id) {
        return backups.point(id);
    }

    /** Restores the backup as a new guest: 202 with the task. */
    @PostMapping("/api/v1/backups/{id}/restore")
    ResponseEntity<Task> restore(@PathVariable long id, @RequestBody RestoreRequest request) {
        return GuestCloneApiController.accepted(backups.restore(id, request));
    }

    /** A verified restore: 202 with the task; the result is recorded on the backup ({@code verification}). */
    @PostMapping("/api/v1/backups/{id}/verify")
    ResponseEntity<Task> verify(@PathVariable long id, @RequestBody VerifyRequest request) {
        return GuestCloneApiController.accepted(backups.verify(id, request));
    }

    @GetMapping("/api/v1/backup-jobs")
    List<BackupJob> jobs() {
        return jobs.list();
    }

    @GetMapping("/api/v1/backup-jobs/{id}")
    BackupJob job(@PathVariable long id) {
        return jobs.get(id);
    }

    /**
     * 201 with the job: {@code schedule} a cron expression in the server's time zone (five fields, as crontab), and
     * a retention of keepLast, keepDaily, keepWeekly, keepMonthly (at least one, each 1 or more); 400 naming the field.
     */
    @PostMapping("/api/v1/backup-jobs")
    ResponseEntity<BackupJob> createJob(@RequestBody BackupJobRequest request) {
        BackupJob job = jobs.create(request);
        return ResponseEntity.created(URI.create("/api/v1/backup-jobs/" + job.id())).body(job);
    }

    /** Changes the job (the same fields as a new one): 200 with it, its next run counted again from now. */
    @PutMapping("/api/v1/backup-jobs/{id}")
    BackupJob updateJob(@PathVariable long id, @RequestBody BackupJobRequest request) {
        return jobs.update(id, request);
    }

    /**
     * When a schedule would run a job: its next {@code count} times (1 to 10) in the server's time zone; 400 naming
     * "schedule" for one that is no cron expression or never fires.
     */
    @GetMapping("/api/v1/backup-jobs/next-runs")
    NextRuns nextRuns(@RequestParam String schedule, @RequestParam(defaultValue = "3") int count) {
        if (count < 1 || count > 10) {
            throw VirtdeckException.invalid("count", "count must be between 1 and 10.");
        }
        List<ZonedDateTime> runs = jobs.nextRuns(schedule, count);
        return new NextRuns(schedule.trim(), ZoneId.systemDefault().getId(),
                runs.stream().map(ZonedDateTime::toOffsetDateTime).toList());
    }

    /** A schedule's next runs, with the time zone it is read in. */
    record NextRuns(String schedule, String timeZone, List<OffsetDateTime> nextRuns) {
    }

    /** Deletes the job; the backups it made stay. */
    @DeleteMapping("/api/v1/backup-jobs/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void deleteJob(@PathVariable long id) {
        jobs.delete(id);
    }

    /** Runs the job now; its schedule is unchanged. 200 with what it started. */
    @PostMapping("/api/v1/backup-jobs/{id}/run")
    JobRun runJob(@PathVariable long id) {
        return new JobRun(jobs.runNow(id));
    }

    /** What a job's run started, in words. */
    record JobRun(String result) {
    }
}

package io.virtdeck.action;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.security.access.AccessDeniedException;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;

/** The steps every changing action goes through, in their order, and what each outcome leaves in the audit log. */
class ActionRunnerTest {

    private static final AuditObject POOL = new AuditObject("pool", "7/images", "images");

    private final AuditLog audit = mock(AuditLog.class);
    private final List<String> steps = new ArrayList<>();
    private final ActionRunner runner = new ActionRunner(audit, object -> steps.add("busy? " + object.name()));

    private ActionPlan plan() {
        return runner.plan(AuditAction.POOL_STOP, POOL).by("olga")
                .permit(() -> steps.add("permission"))
                .check(() -> steps.add("request"))
                .check(() -> steps.add("live state"))
                .expecting(() -> steps.add("expect"))
                .refreshing(() -> steps.add("refresh"));
    }

    @Test
    void aSuccessRunsEveryStepInOrderAndIsAuditedOnceWithItsDetail() {
        String value = plan().run(() -> {
            steps.add("work");
            return Done.of("stopped", "with 3 volumes");
        });

        assertThat(value).isEqualTo("stopped");
        assertThat(steps).containsExactly("permission", "busy? images", "request", "live state", "expect", "work",
                "refresh");
        verify(audit).recordAs("olga", AuditAction.POOL_STOP, POOL, Outcome.SUCCESS, "with 3 volumes");
        verifyNoMoreInteractions(audit);
    }

    @Test
    void aPermissionRefusalIsAuditedAndNothingElseRuns() {
        ActionPlan plan = plan().permit(() -> {
            throw new AccessDeniedException("not permitted: OPERATE on /hosts/7");
        });

        assertThatThrownBy(() -> plan.execute(() -> steps.add("work"))).isInstanceOf(AccessDeniedException.class);
        assertThat(steps).isEmpty();
        verify(audit).recordAs("olga", AuditAction.POOL_STOP, POOL, Outcome.FAILURE,
                "not permitted: OPERATE on /hosts/7");
    }

    @Test
    void aRefusedCheckIsAuditedAsAFailureWithItsReasonAndTheWorkNeverRuns() {
        ActionPlan plan = plan().check(() -> {
            throw VirtdeckException.conflict("Pool 'images' holds disks of web1.");
        });

        assertThatThrownBy(() -> plan.execute(() -> steps.add("work"))).isInstanceOf(VirtdeckException.class)
                .hasMessage("Pool 'images' holds disks of web1.");
        assertThat(steps).containsExactly("permission", "busy? images", "request", "live state");
        verify(audit).recordAs("olga", AuditAction.POOL_STOP, POOL, Outcome.FAILURE,
                "Pool 'images' holds disks of web1.");
    }

    @Test
    void anUnreachableDatabaseRefusesBeforeTheWorkAndIsAuditedAsNotDone() {
        ActionRunner noDatabase = new ActionRunner(audit, object -> {
            throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection");
        });
        ActionPlan plan = noDatabase.plan(AuditAction.POOL_STOP, POOL).by("olga")
                .permit(() -> steps.add("permission"));

        assertThatThrownBy(() -> plan.execute(() -> steps.add("work")))
                .isInstanceOf(CannotGetJdbcConnectionException.class);
        assertThat(steps).containsExactly("permission");
        verify(audit).recordAs("olga", AuditAction.POOL_STOP, POOL, Outcome.FAILURE,
                "not done: the database was unreachable");
    }

    @Test
    void workDoneWhenTheDatabaseGoesAwayIsAuditedAndAnsweredThoughItsRefreshMustWait() {
        String value = plan().refreshing(() -> {
            throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection");
        }).run(() -> {
            steps.add("work");
            return Done.of("stopped", "with 3 volumes");
        });

        assertThat(value).isEqualTo("stopped");
        verify(audit).recordAs("olga", AuditAction.POOL_STOP, POOL, Outcome.SUCCESS, "with 3 volumes");
        verifyNoMoreInteractions(audit);
    }

    @Test
    void aBusySubjectIsRefusedUnlessThePlanGoesOnBesideItsTask() {
        ActionRunner busy = new ActionRunner(audit, object -> {
            throw VirtdeckException.conflict("'" + object.name() + "' is busy.");
        });

        assertThatThrownBy(() -> busy.plan(AuditAction.POOL_STOP, POOL).execute(() -> steps.add("work")))
                .hasMessage("'images' is busy.");
        busy.plan(AuditAction.CONSOLE_OPEN, POOL).evenWhileBusy().execute(() -> steps.add("work"));

        assertThat(steps).containsExactly("work");
    }

    @Test
    void aLibvirtFailureIsAuditedRefreshedAndAnsweredInAPersonsWords() {
        HypervisorException refused = new HypervisorException(HypervisorException.Kind.FAILED,
                "Requested operation is not valid: storage pool 'images' is not active");

        assertThatThrownBy(() -> plan().execute(() -> {
            throw refused;
        })).isInstanceOf(VirtdeckException.class).satisfies(e -> {
            assertThat(((VirtdeckException) e).status().value()).isEqualTo(409);
            assertThat(e.getSuppressed()).containsExactly(refused);
        });
        assertThat(steps).endsWith("expect", "refresh");
        verify(audit).recordAs("olga", AuditAction.POOL_STOP, POOL, Outcome.FAILURE, refused.getMessage());
    }

    @Test
    void workThatMakesAnObjectIsAuditedAboutWhatItMade() {
        AuditObject made = new AuditObject("group", "12", "night-shift");

        runner.plan(AuditAction.GROUP_CREATE, new AuditObject("group", null, "night-shift")).by("olga")
                .run(() -> Done.of(12L).about(made));

        verify(audit).recordAs("olga", AuditAction.GROUP_CREATE, made, Outcome.SUCCESS, null);
    }

    @Test
    void longWorkPassesTheRefusingStepsHereAndRecordsItsEndThroughTheEnding() {
        List<Ending> endings = new ArrayList<>();

        String task = plan().start(ending -> {
            endings.add(ending);
            return "task 41";
        });
        assertThat(task).isEqualTo("task 41");
        verifyNoMoreInteractions(audit); // nothing is recorded until the task ends

        endings.get(0).succeeded("moved in 2.1 s");
        endings.get(0).about(new AuditObject("guest", "9", "web-2")).failed("cancelled");

        verify(audit).recordAs("olga", AuditAction.POOL_STOP, POOL, Outcome.SUCCESS, "moved in 2.1 s");
        verify(audit).recordAs("olga", AuditAction.POOL_STOP, new AuditObject("guest", "9", "web-2"),
                Outcome.FAILURE, "cancelled");
    }
}

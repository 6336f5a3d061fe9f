package io.virtdeck.alerts.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.alerts.targets.AlertQueue;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.security.Action;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.Permissions;

/**
 * Alert rules: administrators make, change and delete them; operators and viewers read them; help desk nothing. Every
 * change goes through the action runner (permission, checks naming the field at fault, audit entry).
 */
@Service
public class AlertRuleService {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}");
    private static final int MAX_REPEAT_MINUTES = 7 * 24 * 60;

    private final AlertRuleRepository repository;
    private final AlertQueue queue;
    private final ActionRunner actions;
    private final Permissions permissions;

    AlertRuleService(AlertRuleRepository repository, AlertQueue queue, ActionRunner actions, Permissions permissions) {
        this.repository = repository;
        this.queue = queue;
        this.actions = actions;
        this.permissions = permissions;
    }

    public List<AlertRuleView> list() {
        requireRead();
        Map<Long, String> names = queue.targetNames();
        return repository.findAll().stream().map(r -> AlertRuleView.of(r, names)).toList();
    }

    public AlertRuleView get(long id) {
        requireRead();
        return AlertRuleView.of(require(id), queue.targetNames());
    }

    /** The targets a rule may choose, by id: for the form. */
    public Map<Long, String> targetChoices() {
        requireRead();
        return queue.targetNames();
    }

    /** Whether the current user may make, change and delete rules: for the page's buttons. */
    public boolean mayChange() {
        return permissions.allows(Action.ADMINISTER, ObjectRef.root());
    }

    public AlertRuleView create(AlertRuleRequest request) {
        AuditObject subject = new AuditObject("alert-rule", null, request.name());
        return actions.plan(AuditAction.ALERT_RULE_CREATE, subject).evenWhileBusy()
                .permit(this::requireChange)
                .check(() -> checked(request, null))
                .run(() -> {
                    AlertRuleRepository.Stored checked = checked(request, null);
                    AlertRule rule = require(repository.insert(checked));
                    return Done.of(AlertRuleView.of(rule, queue.targetNames()), summary(rule)).about(subject(rule));
                });
    }

    public AlertRuleView update(long id, AlertRuleRequest request) {
        AlertRule existing = require(id);
        return actions.plan(AuditAction.ALERT_RULE_UPDATE, subject(existing)).evenWhileBusy()
                .permit(this::requireChange)
                .check(() -> checked(request, existing))
                .run(() -> {
                    repository.update(id, checked(request, existing));
                    AlertRule rule = require(id);
                    return Done.of(AlertRuleView.of(rule, queue.targetNames()), summary(rule));
                });
    }

    /** Deletes the rule; its alerts stay in the history, those still firing are closed. */
    public void delete(long id) {
        AlertRule rule = require(id);
        actions.plan(AuditAction.ALERT_RULE_DELETE, subject(rule)).evenWhileBusy()
                .permit(this::requireChange)
                .execute(() -> repository.delete(id));
    }

    private static String summary(AlertRule rule) {
        return AlertRuleText.condition(rule) + ", " + rule.severity() + (rule.enabled() ? "" : ", disabled")
                + (rule.repeat() == null ? "" : ", repeated every " + rule.repeat().toMinutes() + " min")
                + ", " + rule.targetIds().size() + " target(s)";
    }

    private static AuditObject subject(AlertRule rule) {
        return new AuditObject("alert-rule", Long.toString(rule.id()), rule.name());
    }

    private void requireRead() {
        permissions.require(Action.READ_HOST, ObjectRef.root()); // those who watch the fleet: not help desk
    }

    private void requireChange() {
        permissions.require(Action.ADMINISTER, ObjectRef.root());
    }

    private AlertRule require(long id) {
        return repository.find(id)
                .orElseThrow(() -> VirtdeckException.notFound("There is no alert rule with id " + id + "."));
    }

    // ---- checks

    private AlertRuleRepository.Stored checked(AlertRuleRequest request, AlertRule existing) {
        String name = request.name() == null ? null : request.name().strip();
        if (name == null || !NAME.matcher(name).matches()) {
            throw VirtdeckException.invalid("name", "name is required: letters, digits, spaces, '.', '_' and '-',"
                    + " starting with a letter or digit, at most 64 characters.");
        }
        Optional<Long> named = repository.idByName(name);
        if (named.isPresent() && (existing == null || named.get() != existing.id())) {
            throw VirtdeckException.conflict("name", "An alert rule named '" + name + "' exists already.");
        }
        AlertRuleKind kind = choice("kind", request.kind(), AlertRuleKind.class, null);
        AlertRule.Severity severity = choice("severity", request.severity(), AlertRule.Severity.class,
                AlertRule.Severity.WARNING);
        Integer repeat = request.repeatMinutes();
        if (repeat != null && (repeat < 0 || repeat > MAX_REPEAT_MINUTES)) {
            throw VirtdeckException.invalid("repeatMinutes", "repeatMinutes must be between 1 and "
                    + MAX_REPEAT_MINUTES + " (a week), or 0 to send it once.");
        }
        List<Long> targets = request.targets() == null ? List.of() : request.targets().stream().distinct().toList();
        Map<Long, String> known = queue.targetNames();
        List<Long> unknown = targets.stream().filter(t -> t == null || !known.containsKey(t)).toList();
        if (!unknown.isEmpty()) {
            throw VirtdeckException.invalid("targets", "targets: there is no alert target with id "
                    + unknown.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ".");
        }
        return new AlertRuleRepository.Stored(name, kind, severity, parameters(kind, request),
                repeat == null || repeat == 0 ? null : Duration.ofMinutes(repeat),
                request.enabled() == null || request.enabled(), targets);
    }

    /** The kind's own parameters, each required and within its range; the others are dropped. */
    private static AlertRule.Parameters parameters(AlertRuleKind kind, AlertRuleRequest r) {
        List<AlertRuleKind.Parameter> needs = kind.parameters();
        Integer percent = null, days = null, minutes = null;
        Double ratio = null;
        String taskType = null, guest = null;
        for (AlertRuleKind.Parameter p : needs) {
            String missing = p.field() + " is required for " + kind.name() + ": " + p.hint() + ".";
            switch (p) {
                case PERCENT -> percent = within(p, r.percent(), 1, 100, missing);
                case DAYS -> days = within(p, r.days(), 1, 3650, missing);
                case MINUTES -> minutes = within(p, r.minutes(), 1, MAX_REPEAT_MINUTES, missing);
                case RATIO -> {
                    if (r.ratio() == null) {
                        throw VirtdeckException.invalid(p.field(), missing);
                    }
                    if (!(r.ratio() > 0) || r.ratio() > 100) {
                        throw VirtdeckException.invalid(p.field(), "ratio must be above 0 and at most 100, such as"
                                + " 1.5 (one and a half times what the host has), not " + r.ratio() + ".");
                    }
                    ratio = r.ratio();
                }
                case TASK_TYPE -> {
                    String given = blankToNull(r.taskType());
                    if (given == null) {
                        throw VirtdeckException.invalid(p.field(), missing);
                    }
                    if (AuditAction.byCode(given).isEmpty()) {
                        throw VirtdeckException.invalid(p.field(), "taskType '" + given + "' is not a type of"
                                + " Virtdeck's tasks: use one the Tasks page shows, such as guest.migrate or"
                                + " backup.run.");
                    }
                    taskType = given;
                }
                case GUEST -> {
                    String given = blankToNull(r.guest());
                    if (given == null || given.length() > 128) {
                        throw VirtdeckException.invalid(p.field(), given == null ? missing
                                : "guest must be at most 128 characters.");
                    }
                    guest = given;
                }
            }
        }
        return needs.isEmpty() ? AlertRule.Parameters.NONE
                : new AlertRule.Parameters(percent, days, ratio, minutes, taskType, guest);
    }

    private static Integer within(AlertRuleKind.Parameter p, Integer value, int min, int max, String missing) {
        if (value == null) {
            throw VirtdeckException.invalid(p.field(), missing);
        }
        if (value < min || value > max) {
            throw VirtdeckException.invalid(p.field(), p.field() + " must be between " + min + " and " + max
                    + ", not " + value + ".");
        }
        return value;
    }

    private static <E extends Enum<E>> E choice(String field, String given, Class<E> type, E fallback) {
        List<String> names = new ArrayList<>(Arrays.stream(type.getEnumConstants()).map(Enum::name).toList());
        if (given == null || given.isBlank()) {
            if (fallback != null) {
                return fallback;
            }
            throw VirtdeckException.invalid(field, field + " is required: one of " + String.join(", ", names) + ".");
        }
        try {
            return Enum.valueOf(type, given.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw VirtdeckException.invalid(field, field + " must be one of " + String.join(", ", names) + ", not '"
                    + given + "'.");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}

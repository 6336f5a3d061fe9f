package io.virtdeck.audit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;

import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.core.VirtdeckException;

/**
 * Which audit entries to read: each part optional. {@code object} is {@code type} or {@code type:id}
 * ({@code guest:12}); {@code action} matches a whole action or its family ({@code guest.snapshot} finds
 * {@code guest.snapshot.create}); {@code from} inclusive, {@code to} exclusive.
 */
public record AuditFilter(String user, String object, String action, Outcome outcome, Instant from, Instant to) {

    /**
     * From request parameters as typed: blanks are left out; a time is an instant ({@code 2026-11-21T10:00:00Z}) or a
     * day ({@code 2026-11-21}: from its start, or to its end). Anything else is a 400 naming the parameter.
     */
    public static AuditFilter parse(String user, String object, String action, String outcome, String from,
                                    String to) {
        AuditFilter filter = new AuditFilter(blankToNull(user), blankToNull(object), blankToNull(action),
                outcome(blankToNull(outcome)), time("from", blankToNull(from), false), time("to", blankToNull(to), true));
        if (filter.from != null && filter.to != null && !filter.from.isBefore(filter.to)) {
            throw VirtdeckException.invalid("to", "to must come after from.");
        }
        return filter;
    }

    private static Outcome outcome(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Outcome.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw VirtdeckException.invalid("outcome", "outcome must be one of "
                    + String.join(", ", Arrays.stream(Outcome.values()).map(Enum::name).toList()) + ".");
        }
    }

    private static Instant time(String field, String text, boolean endOfDay) {
        if (text == null) {
            return null;
        }
        try {
            return text.contains("T") ? Instant.parse(text)
                    : LocalDate.parse(text).plusDays(endOfDay ? 1 : 0).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw VirtdeckException.invalid(field, field + " must be a time like 2026-11-21T10:00:00Z or a day like"
                    + " 2026-11-21.");
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}

package io.virtdeck.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import io.virtdeck.core.Csv;
import io.virtdeck.core.ObjectScope;
import io.virtdeck.core.Page;

/** Reads the audit trail newest first, filtered and paginated in SQL; exports it as CSV, streamed. */
@Service
public class AuditQuery {

    /** Rows PostgreSQL sends at a time while exporting: the export never holds the whole trail in memory. */
    private static final int EXPORT_FETCH_ROWS = 1000;

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate exporting;
    private final TransactionTemplate readOnly;
    private final AuditScope scope;

    public AuditQuery(JdbcClient jdbc, DataSource dataSource, PlatformTransactionManager transactions,
                      AuditScope scope) {
        this.jdbc = jdbc;
        this.scope = scope;
        JdbcTemplate streaming = new JdbcTemplate(dataSource);
        streaming.setFetchSize(EXPORT_FETCH_ROWS); // PostgreSQL streams with a fetch size only inside a transaction
        this.exporting = new NamedParameterJdbcTemplate(streaming);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    public Page<AuditEntry> find(AuditFilter filter, int page, int size) {
        Map<String, Object> params = new HashMap<>();
        String where = where(filter, scope.readable(), params);
        long total = jdbc.sql("SELECT count(*) FROM audit_events" + where).params(params)
                .query(Long.class).single();
        params.put("limit", size);
        params.put("offset", (long) page * size);
        List<AuditEntry> items = jdbc.sql("SELECT * FROM audit_events" + where
                        + " ORDER BY at DESC, id DESC LIMIT :limit OFFSET :offset")
                .params(params)
                .query(AuditQuery::entry)
                .list();
        return new Page<>(items, total, page, size);
    }

    /**
     * Writes every entry the filter keeps, newest first, as CSV ({@link Csv}: formulas defused) with a header line.
     * {@code open} gives the writer once the permission is checked (a refusal can then still answer with its status).
     */
    public void exportCsv(AuditFilter filter, Supplier<Writer> open) {
        Map<String, Object> params = new HashMap<>();
        String sql = "SELECT * FROM audit_events" + where(filter, scope.readable(), params)
                + " ORDER BY at DESC, id DESC";
        Writer out = open.get();
        try {
            out.write("at,user,action,object_type,object_id,object_name,outcome,detail\r\n");
            readOnly.executeWithoutResult(status -> exporting.query(sql, params, rs -> {
                AuditEntry e = entry(rs, 0);
                Csv.line(out, e.at().toString(), e.user(), e.action(), e.objectType(), e.objectId(), e.objectName(),
                        e.outcome().name(), e.detail());
            }));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String where(AuditFilter filter, ObjectScope scope, Map<String, Object> params) {
        List<String> conditions = new ArrayList<>();
        if (!scope.all()) {
            conditions.add(scope.condition(params));
        }
        if (filter.user() != null) {
            conditions.add("username = :user");
            params.put("user", filter.user());
        }
        if (filter.object() != null) {
            String[] parts = filter.object().split(":", 2);
            conditions.add("object_type = :type");
            params.put("type", parts[0]);
            if (parts.length == 2) {
                conditions.add("object_id = :id");
                params.put("id", parts[1]);
            }
        }
        if (filter.action() != null) {
            conditions.add("(action = :action OR action LIKE :family ESCAPE '\\')");
            params.put("action", filter.action());
            params.put("family", filter.action().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%");
        }
        if (filter.outcome() != null) {
            conditions.add("outcome = :outcome");
            params.put("outcome", filter.outcome().name());
        }
        if (filter.from() != null) {
            conditions.add("at >= :from");
            params.put("from", Timestamp.from(filter.from()));
        }
        if (filter.to() != null) {
            conditions.add("at < :to");
            params.put("to", Timestamp.from(filter.to()));
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private static AuditEntry entry(ResultSet rs, int row) throws SQLException {
        return new AuditEntry(rs.getLong("id"), rs.getTimestamp("at").toInstant(), rs.getString("username"),
                rs.getString("action"), rs.getString("object_type"), rs.getString("object_id"),
                rs.getString("object_name"), AuditEntry.Outcome.valueOf(rs.getString("outcome")),
                rs.getString("detail"));
    }
}

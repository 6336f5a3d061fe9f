package io.virtdeck.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import io.virtdeck.security.Access;
import io.virtdeck.web.Page;

/** Reads the audit trail newest first, filtered and paginated in SQL. */
@Service
public class AuditQuery {

    private final JdbcClient jdbc;

    public AuditQuery(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param user exact user name, or null
     * @param object {@code type} or {@code type:id} (e.g. {@code guest:12}), or null
     */
    @PreAuthorize(Access.READ_AUDIT)
    public Page<AuditEntry> find(String user, String object, int page, int size) {
        List<String> conditions = new ArrayList<>();
        var params = new java.util.HashMap<String, Object>();
        if (user != null && !user.isBlank()) {
            conditions.add("username = :user");
            params.put("user", user.trim());
        }
        if (object != null && !object.isBlank()) {
            String[] parts = object.trim().split(":", 2);
            conditions.add("object_type = :type");
            params.put("type", parts[0]);
            if (parts.length == 2) {
                conditions.add("object_id = :id");
                params.put("id", parts[1]);
            }
        }
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
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

    private static AuditEntry entry(ResultSet rs, int row) throws SQLException {
        return new AuditEntry(rs.getLong("id"), rs.getTimestamp("at").toInstant(), rs.getString("username"),
                rs.getString("action"), rs.getString("object_type"), rs.getString("object_id"),
                rs.getString("object_name"), AuditEntry.Outcome.valueOf(rs.getString("outcome")),
                rs.getString("detail"));
    }
}

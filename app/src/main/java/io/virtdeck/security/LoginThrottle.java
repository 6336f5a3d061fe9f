package io.virtdeck.security;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;

/**
 * Counts failed logins per user name and per client address in PostgreSQL (so every Virtdeck instance behind a load
 * balancer sees the same count) and locks a subject for a while once it reaches the limit. Names that are no user
 * are counted and locked too: a lockout must not tell whether a user exists.
 */
@Service
public class LoginThrottle {

    /** No user name is longer (users.username), and audit_events.username holds no more of a typed one. */
    private static final int AUDIT_NAME_LIMIT = 64;

    private final JdbcClient jdbc;
    private final LoginProperties properties;
    private final AuditLog audit;

    LoginThrottle(JdbcClient jdbc, LoginProperties properties, AuditLog audit) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.audit = audit;
    }

    enum Kind {
        USER, ADDRESS
    }

    /** How long the longer of the two locks (user name, address) still holds, if either does. */
    public Optional<Duration> lockedFor(String username, String address) {
        Timestamp until = jdbc.sql("""
                        SELECT max(until) FROM login_lockouts WHERE until > now()
                        AND ((kind = 'USER' AND subject = :user) OR (kind = 'ADDRESS' AND subject = :address))""")
                .param("user", who(username)).param("address", address).query(Timestamp.class).optional()
                .orElse(null);
        return until == null ? Optional.empty() : Optional.of(Duration.between(Instant.now(), until.toInstant()));
    }

    public void failed(String username, String address) {
        String who = who(username);
        audit.recordAs(who, AuditAction.LOGIN_FAILURE, AuditObject.login(who), Outcome.FAILURE, "from " + address);
        jdbc.sql("DELETE FROM login_failures WHERE at < now() - :window * interval '1 second'")
                .param("window", properties.window().toSeconds()).update();
        count(Kind.USER, who, who, address);
        count(Kind.ADDRESS, address, who, address);
    }

    /** A right password clears its user name's failures; its address's stay, or one known login would reset them. */
    public void succeeded(String username) {
        jdbc.sql("DELETE FROM login_failures WHERE kind = 'USER' AND subject = :user").param("user", who(username))
                .update();
    }

    private void count(Kind kind, String subject, String who, String address) {
        jdbc.sql("INSERT INTO login_failures (kind, subject) VALUES (:kind, :subject)")
                .param("kind", kind.name()).param("subject", subject).update();
        long failures = jdbc.sql("SELECT count(*) FROM login_failures WHERE kind = :kind AND subject = :subject")
                .param("kind", kind.name()).param("subject", subject).query(Long.class).single();
        if (failures < properties.maxFailures()) {
            return;
        }
        jdbc.sql("""
                        INSERT INTO login_lockouts (kind, subject, until)
                        VALUES (:kind, :subject, now() + :lockout * interval '1 second')
                        ON CONFLICT (kind, subject) DO UPDATE SET until = EXCLUDED.until""")
                .param("kind", kind.name()).param("subject", subject)
                .param("lockout", properties.lockout().toSeconds()).update();
        // counting starts afresh once the lock ends
        jdbc.sql("DELETE FROM login_failures WHERE kind = :kind AND subject = :subject")
                .param("kind", kind.name()).param("subject", subject).update();
        audit.recordAs(who, AuditAction.LOGIN_LOCKOUT, kind == Kind.USER ? AuditObject.login(subject)
                        : new AuditObject("address", subject, subject), Outcome.DENIED,
                failures + " failed logins (last from " + address + "): locked for "
                        + properties.lockout().toMinutes() + " min");
    }

    /** A typed user name as it is counted and audited. */
    private static String who(String username) {
        String name = username == null || username.isBlank() ? "(none)" : username;
        return name.length() <= AUDIT_NAME_LIMIT ? name : name.substring(0, AUDIT_NAME_LIMIT);
    }
}

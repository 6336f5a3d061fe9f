package io.virtdeck.security;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;

/**
 * Counts failed password logins in PostgreSQL (so every Virtdeck instance behind a load balancer sees the same count)
 * per client address and per user name, and locks for a while what reaches the limit. The address is the real
 * client's: behind a trusted proxy, the one it forwards (README: Behind a reverse proxy).
 * <ul>
 * <li>An address with {@code maxFailures} failures, whatever the names, is refused for every name: it is one client
 * guessing, and only that client waits.</li>
 * <li>A user name with {@code maxFailures} failures, from any addresses, is locked against those addresses only; while
 * it is locked, any further address that fails on it joins the lock (until the lock ends) after that one failure. A
 * right password from an address that has not failed on the name is checked as usual: a spray from many addresses
 * cannot lock the person out, yet it gets one guess per fresh address while the lock holds, not
 * {@code maxFailures}.</li>
 * </ul>
 * API tokens never pass here ({@link ApiTokenFilter}): no one's failures refuse them. Names that are no user are
 * counted and locked alike: a lockout must not tell whether a user exists.
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

    /** How long the longer lock on this address (its own, or its share of the user name's) still holds, if any. */
    public Optional<Duration> lockedFor(String username, String address) {
        Timestamp until = jdbc.sql("""
                        SELECT max(until) FROM login_lockouts WHERE until > now()
                        AND ((kind = 'USER' AND subject = :user AND address = :address)
                             OR (kind = 'ADDRESS' AND subject = :address))""")
                .param("user", who(username)).param("address", address).query(Timestamp.class).optional()
                .orElse(null);
        return until == null ? Optional.empty() : Optional.of(Duration.between(Instant.now(), until.toInstant()));
    }

    public void failed(String username, String address) {
        String who = who(username);
        audit.recordAs(who, AuditAction.LOGIN_FAILURE, AuditObject.login(who), Outcome.FAILURE, "from " + address);
        jdbc.sql("DELETE FROM login_failures WHERE at < now() - :window * interval '1 second'")
                .param("window", properties.window().toSeconds()).update();
        countAddress(who, address);
        countUser(who, address);
    }

    /** A right password clears its user name's failures; its address's stay, or one known login would reset them. */
    public void succeeded(String username) {
        jdbc.sql("DELETE FROM login_failures WHERE kind = 'USER' AND subject = :user").param("user", who(username))
                .update();
    }

    private void countAddress(String who, String address) {
        long failures = count(Kind.ADDRESS, address, null);
        if (failures < properties.maxFailures()) {
            return;
        }
        lock(Kind.ADDRESS, address, "");
        forget(Kind.ADDRESS, address);
        audit.recordAs(who, AuditAction.LOGIN_LOCKOUT, new AuditObject("address", address, address), Outcome.DENIED,
                failures + " failed logins from " + address + " (last as " + who + "): " + address
                        + " locked for " + properties.lockout().toMinutes() + " min");
    }

    private void countUser(String who, String address) {
        long failures = count(Kind.USER, who, address);
        Timestamp lockedUntil = jdbc.sql("""
                        SELECT max(until) FROM login_lockouts WHERE kind = 'USER' AND subject = :user
                        AND until > now()""")
                .param("user", who).query(Timestamp.class).optional().orElse(null);
        if (lockedUntil != null) {
            // the name is under lock already: this address joins it, without lengthening it for the others
            jdbc.sql("""
                            INSERT INTO login_lockouts (kind, subject, address, until)
                            VALUES ('USER', :user, :address, :until) ON CONFLICT DO NOTHING""")
                    .param("user", who).param("address", address).param("until", lockedUntil).update();
            forget(Kind.USER, who);
            audit.recordAs(who, AuditAction.LOGIN_LOCKOUT, AuditObject.login(who), Outcome.DENIED,
                    "failed from " + address + " while " + who + " is locked: " + address + " joins the lock");
            return;
        }
        if (failures < properties.maxFailures()) {
            return;
        }
        List<String> addresses = jdbc.sql("""
                        SELECT address FROM login_failures WHERE kind = 'USER' AND subject = :user
                        GROUP BY address ORDER BY min(at)""")
                .param("user", who).query(String.class).list();
        for (String from : addresses) {
            lock(Kind.USER, who, from);
        }
        forget(Kind.USER, who);
        audit.recordAs(who, AuditAction.LOGIN_LOCKOUT, AuditObject.login(who), Outcome.DENIED,
                failures + " failed logins as " + who + " from " + String.join(", ", addresses)
                        + ": their password logins as " + who + " refused for " + properties.lockout().toMinutes()
                        + " min");
    }

    /** Records one failure and returns how many its subject has in the window. */
    private long count(Kind kind, String subject, String address) {
        jdbc.sql("INSERT INTO login_failures (kind, subject, address) VALUES (:kind, :subject, :address)")
                .param("kind", kind.name()).param("subject", subject).param("address", address).update();
        return jdbc.sql("SELECT count(*) FROM login_failures WHERE kind = :kind AND subject = :subject")
                .param("kind", kind.name()).param("subject", subject).query(Long.class).single();
    }

    private void lock(Kind kind, String subject, String address) {
        jdbc.sql("""
                        INSERT INTO login_lockouts (kind, subject, address, until)
                        VALUES (:kind, :subject, :address, now() + :lockout * interval '1 second')
                        ON CONFLICT (kind, subject, address) DO UPDATE SET until = EXCLUDED.until""")
                .param("kind", kind.name()).param("subject", subject).param("address", address)
                .param("lockout", properties.lockout().toSeconds()).update();
    }

    /** Counting starts afresh once the lock ends. */
    private void forget(Kind kind, String subject) {
        jdbc.sql("DELETE FROM login_failures WHERE kind = :kind AND subject = :subject")
                .param("kind", kind.name()).param("subject", subject).update();
    }

    /** A typed user name as it is counted and audited. */
    private static String who(String username) {
        String name = username == null || username.isBlank() ? "(none)" : username;
        return name.length() <= AUDIT_NAME_LIMIT ? name : name.substring(0, AUDIT_NAME_LIMIT);
    }
}

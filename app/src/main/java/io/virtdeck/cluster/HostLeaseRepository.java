package io.virtdeck.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The host_leases and virtdeck_instances rows. Every take and renewal is one statement, so two instances asking at the
 * same moment can never both get a host. Times are the database's own clock; statements give up after a renewal
 * interval, so a hung database makes a renewal fail rather than wait.
 */
@Repository
class HostLeaseRepository {

    /** Who is told that leases were handed back (by a clean stop or to even out the load). */
    static final String RELEASED_CHANNEL = "virtdeck_leases";

    private final JdbcClient jdbc;

    HostLeaseRepository(DataSource dataSource, LeaseProperties properties) {
        JdbcTemplate template = new JdbcTemplate(dataSource);
        template.setQueryTimeout((int) Math.max(1, properties.leaseRenewal().toSeconds()));
        this.jdbc = JdbcClient.create(template);
    }

    /** How many hosts there are and how many instances share them. */
    record Share(long hosts, long instances) {

        /** The hosts one instance should monitor: an even share, rounded up. */
        int perInstance() {
            long sharing = Math.max(1, instances);
            return (int) ((hosts + sharing - 1) / sharing);
        }
    }

    /** Marks this instance alive until the expiry; forgets instances stopped for a day. */
    void heartbeat(UUID instance, String name, Duration expiry) {
        jdbc.sql("""
                        INSERT INTO virtdeck_instances (id, name, alive_until)
                        VALUES (:id, :name, now() + :ms * interval '1 millisecond')
                        ON CONFLICT (id) DO UPDATE SET alive_until = excluded.alive_until""")
                .param("id", instance).param("name", name).param("ms", expiry.toMillis()).update();
        jdbc.sql("DELETE FROM virtdeck_instances WHERE alive_until < now() - interval '1 day'").update();
    }

    /** Extends every lease the instance holds; returns their hosts. */
    Set<Long> renew(UUID instance, Duration expiry) {
        return new HashSet<>(jdbc.sql("""
                        UPDATE host_leases SET expires_at = now() + :ms * interval '1 millisecond'
                        WHERE owner_id = :id RETURNING host_id""")
                .param("id", instance).param("ms", expiry.toMillis()).query(Long.class).list());
    }

    Share share() {
        return jdbc.sql("""
                        SELECT (SELECT count(*) FROM hosts) AS hosts,
                               (SELECT count(*) FROM virtdeck_instances WHERE alive_until > now()) AS instances""")
                .query((rs, n) -> new Share(rs.getLong("hosts"), rs.getLong("instances"))).single();
    }

    /** Takes up to {@code limit} hosts that nobody holds or whose lease has expired; returns those it got. */
    Set<Long> takeFree(UUID instance, Duration expiry, int limit) {
        return new HashSet<>(jdbc.sql("""
                        INSERT INTO host_leases (host_id, owner_id, expires_at)
                        SELECT h.id, :id, now() + :ms * interval '1 millisecond'
                        FROM hosts h LEFT JOIN host_leases l ON l.host_id = h.id
                        WHERE l.host_id IS NULL OR l.expires_at < now()
                        ORDER BY random() LIMIT :limit
                        ON CONFLICT (host_id) DO UPDATE SET owner_id = excluded.owner_id,
                                                            expires_at = excluded.expires_at
                        WHERE host_leases.expires_at < now() OR host_leases.owner_id = excluded.owner_id
                        RETURNING host_id""")
                .param("id", instance).param("ms", expiry.toMillis()).param("limit", limit)
                .query(Long.class).list());
    }

    /** Takes one host's lease unless another instance holds it; true when this instance has it. */
    boolean take(UUID instance, long hostId, Duration expiry) {
        return jdbc.sql("""
                        INSERT INTO host_leases (host_id, owner_id, expires_at)
                        VALUES (:host, :id, now() + :ms * interval '1 millisecond')
                        ON CONFLICT (host_id) DO UPDATE SET owner_id = excluded.owner_id,
                                                            expires_at = excluded.expires_at
                        WHERE host_leases.expires_at < now() OR host_leases.owner_id = excluded.owner_id""")
                .param("host", hostId).param("id", instance).param("ms", expiry.toMillis()).update() == 1;
    }

    /** Hands leases back at once, and tells the other instances so they take them without waiting. */
    void release(UUID instance, Collection<Long> hostIds) {
        jdbc.sql("DELETE FROM host_leases WHERE owner_id = :id AND host_id IN (:hosts)")
                .param("id", instance).param("hosts", hostIds).update();
        announceRelease(instance);
    }

    /** A clean stop: every lease handed back, the instance no longer counted. */
    void leave(UUID instance) {
        jdbc.sql("DELETE FROM host_leases WHERE owner_id = :id").param("id", instance).update();
        jdbc.sql("DELETE FROM virtdeck_instances WHERE id = :id").param("id", instance).update();
        announceRelease(instance);
    }

    private void announceRelease(UUID instance) {
        PeerNotifications.send(jdbc, RELEASED_CHANNEL, instance.toString());
    }
}

package io.virtdeck.inventory;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import io.virtdeck.hypervisor.GuestAgentFacts;

/**
 * The inventory's record of the guests' qemu-guest-agents (V30): when each last answered and the addresses it reported,
 * which the guest list shows and searches without asking any agent.
 */
@Repository
public class GuestAgentAnswers {

    private final JdbcClient jdbc;

    public GuestAgentAnswers(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Keeps an answering agent's time and addresses (replacing the previous ones); other states change nothing. */
    @Transactional
    public void record(long guestId, GuestAgentFacts facts) {
        if (!facts.answering()) {
            return;
        }
        jdbc.sql("""
                        INSERT INTO guest_agent_answers (guest_id, answered_at, hostname) VALUES (:guest, :at, :hostname)
                        ON CONFLICT (guest_id) DO UPDATE SET answered_at = EXCLUDED.answered_at,
                                                             hostname = EXCLUDED.hostname""")
                .param("guest", guestId).param("at", Timestamp.from(facts.answeredAt()))
                .param("hostname", facts.hostname()).update();
        jdbc.sql("DELETE FROM guest_addresses WHERE guest_id = :guest").param("guest", guestId).update();
        int position = 0;
        for (GuestAgentFacts.Nic nic : facts.nics()) {
            for (GuestAgentFacts.Address address : nic.addresses()) {
                jdbc.sql("""
                                INSERT INTO guest_addresses (guest_id, position, nic, mac, address, prefix, family)
                                VALUES (:guest, :position, :nic, :mac, :address, :prefix, :family)""")
                        .param("guest", guestId).param("position", position++).param("nic", nic.name())
                        .param("mac", nic.mac()).param("address", address.address())
                        .param("prefix", address.prefix()).param("family", address.family()).update();
            }
        }
    }

    /** When the guest's agent last answered, as far as this inventory knows. */
    public Optional<Instant> lastAnswer(long guestId) {
        return jdbc.sql("SELECT answered_at FROM guest_agent_answers WHERE guest_id = :guest").param("guest", guestId)
                .query(Timestamp.class).optional().map(Timestamp::toInstant);
    }

    /** The first address the guest's agent reported, as the list shows it; null when none. */
    public String firstAddress(long guestId) {
        return jdbc.sql("SELECT address FROM guest_addresses WHERE guest_id = :guest ORDER BY position LIMIT 1")
                .param("guest", guestId).query(String.class).optional().orElse(null);
    }

    /** Forgets the addresses of the host's guests that do not run: no one should find a guest by an old address. */
    public void forgetStopped(long hostId) {
        jdbc.sql("""
                        DELETE FROM guest_addresses a USING guests g
                        WHERE a.guest_id = g.id AND g.host_id = :host AND g.state NOT IN ('RUNNING', 'PAUSED')""")
                .param("host", hostId).update();
    }
}

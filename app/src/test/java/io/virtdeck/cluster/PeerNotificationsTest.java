package io.virtdeck.cluster;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The notification payload: another instance's changes read back as sent, this instance's own skipped. */
class PeerNotificationsTest {

    private final UUID self = UUID.randomUUID();
    private final UUID other = UUID.randomUUID();

    @Test
    void anotherInstancesChangeIsReadBackAsSent() {
        InventoryChanged guest = new InventoryChanged.GuestChanged(42, true);
        InventoryChanged host = new InventoryChanged.HostChanged(7, false);

        assertThat(PeerNotifications.decode(self, PeerNotifications.encode(other, guest))).isEqualTo(guest);
        assertThat(PeerNotifications.decode(self, PeerNotifications.encode(other, host))).isEqualTo(host);
    }

    @Test
    void thisInstancesOwnChangesAndUnreadablePayloadsAreSkipped() {
        assertThat(PeerNotifications.decode(self, PeerNotifications.encode(self,
                new InventoryChanged.GuestChanged(42, false)))).isNull();
        assertThat(PeerNotifications.decode(self, other + " guest x false")).isNull();
        assertThat(PeerNotifications.decode(self, other + " volume 1 false")).isNull();
        assertThat(PeerNotifications.decode(self, "garbage")).isNull();
    }
}

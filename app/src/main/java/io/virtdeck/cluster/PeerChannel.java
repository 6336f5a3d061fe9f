package io.virtdeck.cluster;

/**
 * A LISTEN/NOTIFY channel of another package, heard on the one listening connection of {@link PeerNotifications}:
 * what any instance sends there (its own sends included) reaches {@link #received} on every instance.
 */
public interface PeerChannel {

    /** The channel's name: lower case letters and underscores. */
    String name();

    /** Runs on the listening thread: keep it short. */
    void received(String payload);
}

package io.virtdeck.undo;

import java.util.UUID;

/**
 * One thing an unfinished work makes, as recorded before it was made: enough to find it again and to name it to a
 * person.
 *
 * @param within the pool of a volume, the guest of a snapshot
 * @param path   the directory of staged files on the Virtdeck server
 */
record Leftover(long id, Kind kind, Long hostId, String hostName, String within, String name, UUID uuid,
                String path) {

    enum Kind {
        VOLUME, DOMAIN, SNAPSHOT, FILES
    }

    static Leftover volume(long hostId, String hostName, String pool, String name) {
        return new Leftover(0, Kind.VOLUME, hostId, hostName, pool, name, null, null);
    }

    static Leftover domain(long hostId, String hostName, UUID uuid, String name) {
        return new Leftover(0, Kind.DOMAIN, hostId, hostName, null, name, uuid, null);
    }

    static Leftover snapshot(long hostId, String hostName, UUID guest, String guestName, String name) {
        return new Leftover(0, Kind.SNAPSHOT, hostId, hostName, guestName, name, guest, null);
    }

    static Leftover files(String path) {
        return new Leftover(0, Kind.FILES, null, null, null, null, null, path);
    }

    Leftover withId(long newId) {
        return new Leftover(newId, kind, hostId, hostName, within, name, uuid, path);
    }

    /** As a person reads it in a task's message or the audit trail, after {@link #place()}. */
    String describe() {
        return switch (kind) {
            case VOLUME -> "volume " + within + "/" + name;
            case DOMAIN -> "guest '" + name + "'";
            case SNAPSHOT -> "snapshot '" + name + "' of '" + within + "'";
            case FILES -> "the staged files in " + path;
        };
    }

    /** Where it is: "host 'kvm7'", or the Virtdeck server for staged files. */
    String place() {
        return hostName == null ? "the Virtdeck server" : "host '" + hostName + "'";
    }

    /** How a person removes it where Virtdeck could not. */
    String howToRemove() {
        return switch (kind) {
            case VOLUME -> "delete it on the host's Storage page, or `virsh vol-delete --pool " + within + " " + name
                    + "` on the host";
            case DOMAIN -> "delete the guest on its page, or `virsh undefine " + uuid + "` on the host";
            case SNAPSHOT -> "delete it on the guest's Snapshots tab if it is not wanted";
            case FILES -> "delete the directory " + path + " on the Virtdeck server that staged them";
        };
    }
}

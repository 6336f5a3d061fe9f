package io.virtdeck.audit;

/** What an audit entry is about: {@code type} host, guest, user..., its id and a name a person recognizes. */
public record AuditObject(String type, String id, String name) {

    public static AuditObject host(long id, String name) {
        return new AuditObject("host", Long.toString(id), name);
    }

    public static AuditObject guest(long id, String name) {
        return new AuditObject("guest", Long.toString(id), name);
    }

    public static AuditObject user(long id, String name) {
        return new AuditObject("user", Long.toString(id), name);
    }

    /** A login by name: the name typed, which may be no user at all (no id is looked up, so none is revealed). */
    public static AuditObject login(String username) {
        return new AuditObject("user", null, username);
    }
}

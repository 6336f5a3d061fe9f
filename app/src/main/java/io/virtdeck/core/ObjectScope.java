package io.virtdeck.core;

import java.util.Map;

/**
 * Which rows of a table that names its object by {@code object_type} and {@code object_id} (tasks, audit events) the
 * current user may see, as a condition for that table's own SQL: a guest's rows for those who may act on the guest
 * ({@code guests}), a host's rows and those of its pools, volumes, networks, staged images, backups and backup
 * stores (ids {@code <hostId>/...}) for those who may act on the host ({@code hosts}). Rows about anything else (users, grants,
 * logins) are only in {@link #all()}.
 */
public record ObjectScope(boolean all, Visible guests, Visible hosts) {

    /** The object types whose id starts with their host's id and a slash. */
    private static final String ON_A_HOST = "'pool', 'volume', 'network', 'image', 'backup', 'backup-store', 'backup-job'";

    /** No filter at all: every row, whatever it is about. */
    public static final ObjectScope ALL = new ObjectScope(true, Visible.EVERYTHING, Visible.EVERYTHING);

    /** True when no row can match: the user holds no role that permits the actions anywhere. */
    public boolean nothing() {
        return !all && guests.nothing() && hosts.nothing();
    }

    /**
     * The SQL condition on the columns {@code object_type} and {@code object_id} (of the query's only table or one
     * without an alias), its parameters put in {@code params}; {@code TRUE} for {@link #all()}.
     */
    public String condition(Map<String, Object> params) {
        if (all) {
            return "TRUE";
        }
        params.put("scopeHosts", hosts.hostIds().stream().map(String::valueOf).toArray(String[]::new));
        String guestRows = guests.everything() ? "TRUE" : """
                EXISTS (SELECT 1 FROM guests scope_g
                        WHERE scope_g.id = CASE WHEN object_id ~ '^[0-9]{1,18}$' THEN object_id::bigint END
                          AND """ + guests.guestCondition("scope_g", "scopeGuest", params) + ")";
        String hostRows = hosts.everything() ? "TRUE" : "object_id = ANY(:scopeHosts)";
        String onHostRows = hosts.everything() ? "TRUE" : "split_part(object_id, '/', 1) = ANY(:scopeHosts)";
        return "((object_type = 'guest' AND " + guestRows + ")"
                + " OR (object_type = 'host' AND " + hostRows + ")"
                + " OR (object_type IN (" + ON_A_HOST + ") AND " + onHostRows + "))";
    }
}

package io.virtdeck.core;

import java.util.List;
import java.util.Map;

/**
 * Which hosts and guests a list may show the current user, for the list's own SQL: everything, or the guests on
 * {@code hostIds} plus the guests {@code guestIds} plus the guests carrying one of {@code tags} (for host lists, the
 * hosts {@code hostIds}, which include the hosts carrying a granted tag). All three are what the user's grants name, so
 * they stay small however large the fleet.
 */
public record Visible(boolean everything, List<Long> hostIds, List<Long> guestIds, List<String> tags) {

    public static final Visible EVERYTHING = new Visible(true, List.of(), List.of(), List.of());

    /** Without grants on tags. */
    public Visible(boolean everything, List<Long> hostIds, List<Long> guestIds) {
        this(everything, hostIds, guestIds, List.of());
    }

    public boolean nothing() {
        return !everything && hostIds.isEmpty() && guestIds.isEmpty() && tags.isEmpty();
    }

    public Long[] hostIdArray() {
        return hostIds.toArray(new Long[0]);
    }

    public Long[] guestIdArray() {
        return guestIds.toArray(new Long[0]);
    }

    public String[] tagArray() {
        return tags.toArray(new String[0]);
    }

    /**
     * The SQL condition "the guest {@code alias} may be seen" for a list that is not {@link #everything()}, with the
     * parameters {@code :<prefix>Hosts}, {@code :<prefix>Guests} and {@code :<prefix>Tags} (put in {@code params}):
     * the host, primary key and tags (GIN) indexes answer it.
     */
    public String guestCondition(String alias, String prefix, Map<String, Object> params) {
        params.put(prefix + "Hosts", hostIdArray());
        params.put(prefix + "Guests", guestIdArray());
        params.put(prefix + "Tags", tagArray());
        return "(" + alias + ".host_id = ANY(:" + prefix + "Hosts) OR " + alias + ".id = ANY(:" + prefix + "Guests)"
                + " OR " + alias + ".tags && CAST(:" + prefix + "Tags AS text[]))";
    }
}

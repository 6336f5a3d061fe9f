package io.virtdeck.bulk;

import java.util.List;

/**
 * POST /api/v1/guests/bulk-actions: an action and the guests it is for, either by id ({@code guestIds}) or as the
 * guest list's filter ({@code filter}: every guest it matches, as the list shows them). {@code snapshotName} names the
 * snapshot each guest gets; {@code targetHostId} is where {@code migrate} moves them, or {@code place: true} lets
 * Virtdeck choose a host for each. {@code tags} are the tags {@code tag} adds to each guest.
 */
public record BulkRequest(String action, List<Long> guestIds, Filter filter, String snapshotName, Long targetHostId,
                          Boolean place, List<String> tags) {

    public BulkRequest(String action, List<Long> guestIds, Filter filter, String snapshotName, Long targetHostId,
                       Boolean place) {
        this(action, guestIds, filter, snapshotName, targetHostId, place, null);
    }

    /**
     * The guest list's filters, named as in its URL: {@code host} (id), {@code state}, {@code q}, {@code tags}
     * (its {@code tag=} filters: a guest must carry every one), and {@code kind} (VM or CONTAINER).
     */
    public record Filter(Long host, String state, String q, List<String> tags, String kind) {

        public Filter(Long host, String state, String q, List<String> tags) {
            this(host, state, q, tags, null);
        }

        public Filter(Long host, String state, String q) {
            this(host, state, q, null, null);
        }
    }
}

package io.virtdeck.guest.snapshot;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * A snapshot just taken (OpenAPI: the 201 answer of POST /api/v1/guests/{id}/snapshots): the snapshot's fields as in
 * the tree, and how consistent its disks are. {@code fileSystemsFrozen}: how many file systems the guest agent froze
 * for the moment of the snapshot (0: none). {@code consistency} in words: "file systems frozen (2) by the guest agent
 * ...", or "crash-consistent, no guest agent answered: not frozen (...)", or why no freeze was needed.
 */
public record TakenSnapshot(@JsonUnwrapped SnapshotTree.Node snapshot, int fileSystemsFrozen, String consistency) {
}

package io.virtdeck.guest.snapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.virtdeck.hypervisor.SnapshotFacts;

/**
 * A guest's snapshots as a tree (OpenAPI: GET /api/v1/guests/{id}/snapshots): the roots, each with its children,
 * oldest first; {@code current} names the snapshot the guest last was at (null when none is).
 */
public record SnapshotTree(String current, int count, List<Node> roots) {

    /**
     * One snapshot; {@code domainState} is the state the guest was in when it was taken (running, shutoff, ...);
     * {@code external} when its disks went on in overlay files rather than holding it inside (qcow2).
     */
    public record Node(String name, String description, Instant createdAt, String domainState, boolean withMemory,
                       boolean current, boolean external, String parent, List<Node> children) {
    }

    private static final Comparator<SnapshotFacts> OLDEST_FIRST = Comparator
            .comparing(SnapshotFacts::createdAt, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(SnapshotFacts::name);

    static SnapshotTree of(List<SnapshotFacts> snapshots) {
        Map<String, List<SnapshotFacts>> byParent = new HashMap<>();
        List<SnapshotFacts> roots = new ArrayList<>();
        Map<String, SnapshotFacts> byName = new HashMap<>();
        snapshots.forEach(s -> byName.put(s.name(), s));
        for (SnapshotFacts snapshot : snapshots) {
            // a parent that is not listed (deleted with its metadata only) leaves its child a root
            if (snapshot.parent() == null || !byName.containsKey(snapshot.parent())) {
                roots.add(snapshot);
            } else {
                byParent.computeIfAbsent(snapshot.parent(), p -> new ArrayList<>()).add(snapshot);
            }
        }
        String current = snapshots.stream().filter(SnapshotFacts::current).map(SnapshotFacts::name).findFirst()
                .orElse(null);
        return new SnapshotTree(current, snapshots.size(), nodes(roots, byParent));
    }

    private static List<Node> nodes(List<SnapshotFacts> level, Map<String, List<SnapshotFacts>> byParent) {
        return level.stream().sorted(OLDEST_FIRST)
                .map(s -> new Node(s.name(), s.description(), s.createdAt(), s.domainState(), s.withMemory(),
                        s.current(), s.external(), s.parent(),
                        nodes(byParent.getOrDefault(s.name(), List.of()), byParent)))
                .toList();
    }

    /** Whether a snapshot with this name is anywhere in the tree. */
    boolean contains(String name) {
        return find(name).isPresent();
    }

    /** The snapshot with this name, anywhere in the tree. */
    Optional<Node> find(String name) {
        return all(roots).filter(n -> n.name().equals(name)).findFirst();
    }

    /** Whether any snapshot is external: the guest's next ones are external too, so that one chain holds one kind. */
    boolean anyExternal() {
        return all(roots).anyMatch(Node::external);
    }

    private static Stream<Node> all(List<Node> nodes) {
        return nodes.stream().flatMap(n -> Stream.concat(Stream.of(n), all(n.children())));
    }
}

package io.virtdeck.undo;

import java.io.IOException;
import java.nio.file.Path;

import org.springframework.stereotype.Component;
import io.virtdeck.core.FileTrees;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.SnapshotGateway;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.inventory.ExpectedGuestChanges;

/**
 * Takes back one thing a work made, wherever it is: a volume is deleted, a definition undefined (unless the guest
 * runs), staged files deleted. A snapshot is never taken back: libvirt takes one whole or not at all, so it is only
 * looked for.
 */
@Component
class Removal {

    /** What became of a thing. */
    record Outcome(State state, String detail) {

        enum State {
            /** It was there and is gone now. */
            REMOVED,
            /** It was never made (the work stopped before), or someone removed it already. */
            ABSENT,
            /** A snapshot libvirt finished: kept. */
            KEPT,
            /** It stays, for the reason in the detail: a person removes it. */
            LEFT,
            /** It could not be removed now (its host does not answer, libvirt is still making it): try again. */
            NOT_YET
        }

        static Outcome of(State state) {
            return new Outcome(state, null);
        }
    }

    private final DomainGateway domains;
    private final StorageGateway storage;
    private final SnapshotGateway snapshots;
    private final ExpectedGuestChanges expected;

    Removal(DomainGateway domains, StorageGateway storage, SnapshotGateway snapshots, ExpectedGuestChanges expected) {
        this.expected = expected;
        this.domains = domains;
        this.storage = storage;
        this.snapshots = snapshots;
    }

    Outcome remove(Leftover thing) {
        try {
            return switch (thing.kind()) {
                case VOLUME -> removeVolume(thing);
                case DOMAIN -> removeDomain(thing);
                case SNAPSHOT -> snapshots.snapshots(thing.hostId(), thing.uuid()).stream()
                        .anyMatch(s -> s.name().equals(thing.name())) ? Outcome.of(Outcome.State.KEPT)
                        : Outcome.of(Outcome.State.ABSENT);
                case FILES -> removeFiles(Path.of(thing.path()));
            };
        } catch (HypervisorException e) {
            if (e.kind() == HypervisorException.Kind.NOT_FOUND) {
                return Outcome.of(Outcome.State.ABSENT); // the host's pool or guest has gone with it
            }
            return new Outcome(Outcome.State.NOT_YET, HypervisorErrors.message(e));
        }
    }

    /** A volume that is not there answers NOT_FOUND: absent. */
    private Outcome removeVolume(Leftover volume) {
        storage.deleteVolume(volume.hostId(), volume.within(), volume.name());
        return Outcome.of(Outcome.State.REMOVED);
    }

    private Outcome removeDomain(Leftover guest) {
        DomainFacts facts = domains.domain(guest.hostId(), guest.uuid());
        if (facts.state() != DomainRunState.SHUTOFF) {
            return new Outcome(Outcome.State.LEFT, "it is " + facts.state().name().toLowerCase(java.util.Locale.ROOT)
                    + ": shut it down first");
        }
        expected.expect(guest.hostId(), guest.uuid()); // its UNDEFINED event is Virtdeck's doing
        domains.undefine(guest.hostId(), guest.uuid(), false);
        return Outcome.of(Outcome.State.REMOVED);
    }

    private static Outcome removeFiles(Path directory) {
        try {
            return Outcome.of(FileTrees.delete(directory) ? Outcome.State.REMOVED : Outcome.State.ABSENT);
        } catch (IOException e) {
            return new Outcome(Outcome.State.NOT_YET, "cannot delete " + directory + ": " + e.getMessage());
        }
    }
}

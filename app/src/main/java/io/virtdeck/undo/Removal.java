package io.virtdeck.undo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import org.springframework.stereotype.Component;
import io.virtdeck.core.FileTrees;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.DiskCopyGateway;
import io.virtdeck.hypervisor.DiskUse;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.SnapshotGateway;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.inventory.ExpectedGuestChanges;

/**
 * Takes back one thing a work made, wherever it is: a volume is deleted (unless a guest's disk uses it), a definition
 * undefined (unless the guest runs), staged files deleted. A snapshot is never taken back: libvirt takes one whole or
 * not at all, so it is only looked for.
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
            /** A volume a guest uses as its disk (libvirt switched it over before the work was cut short): kept. */
            IN_USE,
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
    private final DiskCopyGateway copies;

    Removal(DomainGateway domains, StorageGateway storage, SnapshotGateway snapshots, ExpectedGuestChanges expected,
            DiskCopyGateway copies) {
        this.expected = expected;
        this.copies = copies;
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

    /**
     * A volume that is not there answers NOT_FOUND: absent. One a guest's disk uses is kept; a disk copy into it that
     * outlived its work (a disk move cut short) is stopped first: the guest stays on the disk it had.
     */
    private Outcome removeVolume(Leftover volume) {
        Optional<DiskUse> use = copies.useOf(volume.hostId(), volume.within(), volume.name());
        if (use.isPresent() && !use.get().copying()) {
            return new Outcome(Outcome.State.IN_USE, "guest '" + use.get().domain() + "' uses it as its disk "
                    + use.get().target());
        }
        use.ifPresent(copy -> copies.abortCopy(volume.hostId(), copy.uuid(), copy.target()));
        storage.deleteVolume(volume.hostId(), volume.within(), volume.name());
        return use.map(copy -> new Outcome(Outcome.State.REMOVED, "the copy of disk " + copy.target() + " of '"
                + copy.domain() + "' into it was stopped first; '" + copy.domain() + "' stays on the disk it had"))
                .orElse(Outcome.of(Outcome.State.REMOVED));
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

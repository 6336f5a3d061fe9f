package io.virtdeck.hypervisor;

/**
 * A snapshot just taken, and how the guest's file systems stood for it.
 *
 * @param snapshot     the snapshot as libvirt describes it
 * @param frozen       how many file systems the guest agent froze for the moment of the snapshot (0: none)
 * @param frozenMillis how long they stayed frozen, from the freeze to the end of the thaw (0 when none was)
 * @param freezeNote   why nothing was frozen when a freeze was asked for ("no guest agent answered: not frozen
 *                     (...)"); else null
 * @param thawProblem  what libvirt said when the file systems could not be thawed after the snapshot; else null
 */
public record SnapshotTaken(SnapshotFacts snapshot, int frozen, long frozenMillis, String freezeNote,
                            String thawProblem) {

    /** A snapshot for which no freeze was asked (a guest shut off or paused). */
    public static SnapshotTaken unfrozen(SnapshotFacts snapshot) {
        return new SnapshotTaken(snapshot, 0, 0, null, null);
    }
}

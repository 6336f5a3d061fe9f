package io.virtdeck.backup;

import io.virtdeck.support.Lab;

/** What the backup lab tests share: the marks they write and read inside a guest, and leaving lab1 as it was. */
final class BackupLab {

    /** Prints the first 4 bytes of the sectors A, B and C are written to, lowered so that the typing never matches. */
    static final String READ_MARKS = "for s in 2048 4096 6144; do echo \"S$s=[$(dd if=/dev/vda bs=512"
            + " skip=$s count=1 2>/dev/null | head -c 4 | tr ABC abc | tr -d '\\000')]\"; done";

    private BackupLab() {
    }

    /**
     * The lab1 guest left shut off without checkpoints: libvirt deletes them only while it runs, so it is started
     * paused for that.
     */
    static void dropCheckpointsAndStop(String guest) {
        if (!Lab.virsh(Lab.LAB1, "checkpoint-list", guest, "--name").isBlank()) {
            if (!Lab.virsh(Lab.LAB1, "domstate", guest).trim().equals("running")) {
                Lab.virsh(Lab.LAB1, "start", guest, "--paused");
            }
            for (String checkpoint : Lab.virsh(Lab.LAB1, "checkpoint-list", guest, "--name").split("\\s+")) {
                if (!checkpoint.isBlank()) {
                    Lab.virsh(Lab.LAB1, "checkpoint-delete", guest, checkpoint);
                }
            }
        }
        Lab.virsh(Lab.LAB1, "destroy", guest);
    }

    /** Deletes a pool of the lab host and its volumes. */
    static void dropPool(String uri, String pool) {
        if (Lab.virsh(uri, "pool-list", "--all", "--name").contains(pool)) {
            Lab.virsh(uri, "pool-refresh", pool);
            for (String volume : Lab.virsh(uri, "vol-list", pool).lines().map(l -> l.trim().split("\\s+")[0])
                    .filter(v -> !v.isBlank()).toList()) {
                Lab.virsh(uri, "vol-delete", "--pool", pool, volume);
            }
            Lab.virsh(uri, "pool-destroy", pool);
            Lab.virsh(uri, "pool-undefine", pool);
        }
    }
}

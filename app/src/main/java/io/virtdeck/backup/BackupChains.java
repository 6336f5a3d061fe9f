package io.virtdeck.backup;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Rules about chains that need no database and no libvirt. */
final class BackupChains {

    private BackupChains() {
    }

    /**
     * How the guest's disks differ from those of the last point, in words; null when an incremental backup can
     * continue from it (same disks, same sources, same sizes).
     */
    static String diskChange(List<BackupPoint.Disk> before, List<BackupPoint.Disk> now) {
        Map<String, BackupPoint.Disk> old = before.stream()
                .collect(Collectors.toMap(BackupPoint.Disk::disk, Function.identity()));
        for (BackupPoint.Disk disk : now) {
            BackupPoint.Disk was = old.remove(disk.disk());
            if (was == null) {
                return "disk " + disk.disk() + " was added since the last backup";
            }
            if (!was.source().equals(disk.source())) {
                return "disk " + disk.disk() + " was replaced since the last backup (" + was.source() + " -> "
                        + disk.source() + ")";
            }
            if (was.capacityBytes() != disk.capacityBytes()) {
                return "disk " + disk.disk() + " was resized since the last backup";
            }
        }
        return old.isEmpty() ? null : "disk " + old.keySet().iterator().next() + " was removed since the last backup";
    }

    /** The checkpoint a point creates, named after its chain and place in it. */
    static String checkpointName(long chainId, int seq) {
        return "virtdeck-" + chainId + "-" + seq;
    }

    /** A point's volume for a disk in the store's pool: unique by chain, point and disk. */
    static String volumeName(String guestName, long chainId, int seq, String disk) {
        String safe = guestName.replaceAll("[^A-Za-z0-9_.-]", "_");
        return safe + "-backup-" + chainId + "-" + seq + "-" + disk + ".qcow2";
    }

    /** Whether a checkpoint's name is one Virtdeck made (others, made by other tools, are left alone). */
    static boolean ours(String checkpoint) {
        return checkpoint.startsWith("virtdeck-");
    }
}

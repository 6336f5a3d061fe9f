package io.virtdeck.hypervisor;

import java.util.List;

/**
 * A backup libvirt now runs.
 *
 * @param targets the volumes it writes, one per disk, in the request's order
 * @param startedPaused the domain was shut off and was started paused for the backup (QEMU does the copying): it is
 *                      to be stopped once the backup has ended, see {@link BackupGateway#stopPaused}
 * @param frozen how many file systems the guest agent froze for the checkpoint (0: crash-consistent)
 * @param freezeNote why nothing was frozen, in libvirt's words, when a freeze was asked for and failed; else null
 */
public record BackupStarted(List<PooledVolume> targets, boolean startedPaused, int frozen, String freezeNote) {
}

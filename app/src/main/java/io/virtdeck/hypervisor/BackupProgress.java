package io.virtdeck.hypervisor;

/**
 * The state of a domain's backup job: running with its bytes so far, or how the last one ended.
 *
 * @param bytesTotal the bytes the job has to copy (for an incremental one: the changed blocks only)
 * @param error libvirt's reason when it failed; else null
 */
public record BackupProgress(State state, long bytesTotal, long bytesProcessed, String error) {

    public enum State { RUNNING, COMPLETED, FAILED, CANCELLED, NONE }

    public boolean ended() {
        return state != State.RUNNING;
    }
}

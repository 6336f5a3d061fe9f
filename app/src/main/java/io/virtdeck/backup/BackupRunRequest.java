package io.virtdeck.backup;

/**
 * A backup of a guest now.
 *
 * @param full a full backup even where an incremental one could continue the chain
 * @param quiesce freeze the guest's file systems for the checkpoint where its guest agent answers (default true)
 */
public record BackupRunRequest(Long storeId, Boolean full, Boolean quiesce) {
}

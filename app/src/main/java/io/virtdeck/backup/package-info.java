/**
 * Backups of guests: stores (a storage pool of a host), chains of a full backup and the incrementals after it,
 * backup runs and restores as tasks. libvirt's side is {@link io.virtdeck.hypervisor.BackupGateway}.
 */
package io.virtdeck.backup;

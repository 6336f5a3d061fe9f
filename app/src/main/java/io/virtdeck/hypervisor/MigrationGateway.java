package io.virtdeck.hypervisor;

import java.util.Optional;
import java.util.UUID;

/**
 * Migrating domains between hosts, and watching and steering a running migration.
 */
public interface MigrationGateway {

    /** What the domain needs from a host it would migrate to. */
    MigrationNeeds migrationNeeds(long hostId, UUID uuid);

    /**
     * What a domain of this definition needs from a host it would be defined on, read from the definition alone (its
     * own host may be lost): no CPU comparison, no snapshots, disks by path as they are.
     */
    MigrationNeeds needsOfDefinition(String definitionXml);

    /**
     * Migrates the domain peer-to-peer: the source host's libvirtd connects to {@code targetUri} itself. Blocks until
     * the migration has ended (no call timeout); watch it with {@link #migrationProgress}, stop it with
     * {@link #abortJob}. Persistent domains stay persistent on the target and are removed from the source.
     */
    void migrate(long hostId, UUID uuid, String targetUri, MigrationOptions options);

    /** The domain's running migration job; empty when it has none. */
    Optional<MigrationProgress> migrationProgress(long hostId, UUID uuid);

    /** The pause the last finished migration caused, from the target's record of it; empty when unknown. */
    Optional<Long> lastMigrationDowntimeMs(long hostId, UUID uuid);

    void setMigrationMaxDowntime(long hostId, UUID uuid, long milliseconds);

    /** Switches a migration started with post-copy allowed into post-copy mode. */
    void startPostCopy(long hostId, UUID uuid);

    /** Aborts the domain's running job (a migration: the guest stays where it was). */
    void abortJob(long hostId, UUID uuid);
}

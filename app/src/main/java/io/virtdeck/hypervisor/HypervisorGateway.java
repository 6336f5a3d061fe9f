package io.virtdeck.hypervisor;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The seam between Virtdeck and libvirt: everything the rest of the application does to hosts goes through here.
 * Every call is bounded by the configured timeout; a host that cannot be reached answers
 * {@link HypervisorException.Kind#UNREACHABLE} at once instead of hanging the caller.
 */
public interface HypervisorGateway {

    /** Opens a short-lived connection to check that a URI works before it is registered, and reads the host's facts. */
    HostFacts probe(String uri);

    /** Starts managing a host: one shared connection, kept open, re-opened with backoff when lost. */
    void manage(long hostId, String uri);

    /** Stops managing a host and closes its connection. Nothing on the host is touched. */
    void release(long hostId);

    ConnectionState state(long hostId);

    HostFacts hostFacts(long hostId);

    List<DomainFacts> listDomains(long hostId);

    DomainFacts domain(long hostId, UUID uuid);

    /** The domain's live XML, for read-only display. */
    String domainXml(long hostId, UUID uuid);

    void perform(long hostId, UUID uuid, DomainAction action);

    /**
     * Removes a shut-off domain's definition; with {@code deleteStorage}, also deletes the storage volumes behind its
     * disks (CD-ROMs excepted). Returns the paths of the volumes deleted.
     */
    List<String> undefine(long hostId, UUID uuid, boolean deleteStorage);

    /** Free memory, CPU architecture, networks and pools: what placement and migration checks look at. */
    HostResources resources(long hostId);

    /** What the domain needs from a host it would migrate to. */
    MigrationNeeds migrationNeeds(long hostId, UUID uuid);

    /** libvirt's comparison of a CPU definition with the host's CPU. */
    CpuCompatibility compareCpu(long hostId, String cpuXml);

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

    /** Where Virtdeck reaches the running domain's VNC server. */
    VncEndpoint vncEndpoint(long hostId, UUID uuid);

    /**
     * Sets a password on the running domain's VNC server that expires at {@code validUntil} (the live device only;
     * the definition keeps its own). Fails with {@link HypervisorException.Kind#UNSUPPORTED} where the driver cannot.
     */
    void setVncPassword(long hostId, UUID uuid, String password, Instant validUntil);

    /** How a new guest is virtualized on this host (KVM, QEMU, Xen HVM or PV), and whether it may boot with UEFI. */
    GuestPlatform guestPlatform(long hostId);

    /** Every storage pool of the host, active or not. */
    List<PoolFacts> pools(long hostId);

    /** The volumes of a pool, after asking the pool to look again (files put there by hand show up). */
    List<VolumeFacts> volumes(long hostId, String pool);

    VolumeFacts createVolume(long hostId, String pool, NewVolume volume);

    void deleteVolume(long hostId, String pool, String volume);

    /** Defines a persistent domain from the spec (it stays shut off). */
    void define(long hostId, DomainSpec spec);

    void setAutostart(long hostId, UUID uuid, boolean autostart);

    /** The domain's snapshots, in no particular order; each names its parent. */
    List<SnapshotFacts> snapshots(long hostId, UUID uuid);

    /**
     * Takes an internal snapshot of the domain as it is now: disks and memory when it runs or is paused, disks alone
     * when it is shut off. No call timeout: saving a large memory takes as long as it takes.
     */
    SnapshotFacts createSnapshot(long hostId, UUID uuid, String name, String description);

    /** Puts the domain back to the snapshot: its present state is lost. No call timeout (a memory is loaded). */
    void revertToSnapshot(long hostId, UUID uuid, String name);

    /** Deletes the snapshot; its children, if any, become children of its parent. */
    void deleteSnapshot(long hostId, UUID uuid, String name);
}

package io.virtdeck.hypervisor;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The seam between Virtdeck and libvirt: everything the rest of the application does to hosts goes through here.
 * Every call is bounded by the configured timeout; a host that cannot be reached answers
 * {@link HypervisorException.Kind#UNREACHABLE} at once instead of hanging the caller.
 */
public interface HypervisorGateway {

    /**
     * Opens a short-lived connection to check that a URI works before it is registered, presenting credentials that
     * are not stored yet ({@link HostCredentials#NONE} for none), and reads the host's facts.
     */
    HostFacts probe(String uri, HostCredentials credentials);

    /**
     * Re-opens this instance's connections to a host with its current credentials (just replaced or removed): the
     * monitored one at once, a calls-only one at the next call.
     */
    void reconnect(long hostId);

    /**
     * Starts monitoring a host: one shared connection with lifecycle events, kept open, re-opened with backoff when
     * lost. Called for the hosts whose lease this instance holds.
     */
    void manage(long hostId, String uri);

    /** Stops monitoring a host and closes its connection. Nothing on the host is touched. */
    void release(long hostId);

    /**
     * Stops monitoring a host another instance is to monitor: no more events or connection changes from it, at once.
     * Calls underway on its connection (a migration) go on; it is closed once they are done.
     */
    void stopMonitoring(long hostId);

    /**
     * The state of this instance's connection to a host it monitors; for a host another instance monitors, the state
     * that instance reports (actions reach such a host through a short-lived connection of their own).
     */
    ConnectionState state(long hostId);

    /** True when this instance monitors the host (events, reconcile, sampling) and is connected to it. */
    boolean monitoring(long hostId);

    /** The hosts this instance monitors. */
    Set<Long> monitoredHosts();

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

    /**
     * The host's CPU and memory counters and those of every running guest (CPU, balloon, disks, NICs), in one
     * bulk libvirt call for all guests (virConnectGetAllDomainStats).
     */
    HostSample sample(long hostId);

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
     * The host's SSH credentials as OpenSSH client options, for a tunnel to its display (files removed on close);
     * empty when it has none. UNREACHABLE when stored credentials cannot be decrypted.
     */
    SshOptions sshOptions(long hostId);

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

    /** The host's virtual networks, active or not, by name. */
    List<NetworkFacts> networks(long hostId);

    /** Defines the network, starts it and sets it to start with libvirt; a network that cannot start is undefined. */
    NetworkFacts createNetwork(long hostId, NetworkFacts network);

    /** Starts ({@code active}) or stops the network; guests on a stopped network lose their link. */
    void setNetworkActive(long hostId, String name, boolean active);

    /** Stops (if it runs) and undefines the network. */
    void deleteNetwork(long hostId, String name);

    /**
     * Defines a pool, builds it when asked (a directory pool's directory, an LVM pool's volume group), starts it and
     * sets it to start with libvirt; a pool that cannot start is stopped and undefined again.
     */
    PoolFacts createPool(long hostId, PoolSpec spec, boolean build);

    /** Builds, starts, stops, refreshes a pool or sets whether it starts with libvirt. */
    void poolAction(long hostId, String name, PoolAction action);

    /**
     * Stops the pool (if it runs) and undefines it. With {@code removeEmptyDirectory}, libvirt's pool-delete first
     * removes its target directory when that is empty; volumes' files and data are never touched.
     */
    void deletePool(long hostId, String name, boolean removeEmptyDirectory);
    /** Whether the network starts when libvirtd does. */
    void setNetworkAutostart(long hostId, String name, boolean autostart);

    /**
     * Adds a static DHCP entry to the network's IPv4 DHCP (virNetworkUpdate): in its definition, and to the running
     * network's DHCP server when it is active. libvirt refuses an entry that clashes with one it has.
     */
    void addDhcpHost(long hostId, String network, NetworkFacts.DhcpHost host);

    /** Removes a static DHCP entry (as the network's XML holds it) from the definition and the running network. */
    void removeDhcpHost(long hostId, String network, NetworkFacts.DhcpHost host);

    /**
     * The leases the network's DHCP server handed out. {@link HypervisorException.Kind#UNSUPPORTED} where the driver
     * keeps none (libvirt's test driver).
     */
    List<DhcpLease> dhcpLeases(long hostId, String network);

    /** The MAC addresses of every NIC of every domain of the host, running and in their definitions, lower case. */
    java.util.Set<String> nicMacs(long hostId);

    /**
     * The names of the host's network interfaces a guest NIC may join as a bridge: those libvirt's interface driver
     * reports (where it has one) and the bridges of the host's virtual networks.
     */
    java.util.Set<String> hostInterfaces(long hostId);

    void deleteVolume(long hostId, String pool, String volume);

    /** The volume behind a disk's source (a path, or "pool/volume"); empty when no pool of the host holds it. */
    Optional<PooledVolume> diskVolume(long hostId, String source);

    /** One volume of a pool, without refreshing the pool (cheap enough to poll); empty when there is none. */
    Optional<VolumeFacts> volume(long hostId, String pool, String name);

    /**
     * Copies a volume in full into a new volume of the same pool, same format and capacity. Blocks until the copy is
     * done, without the call timeout; the new volume's allocation grows while it runs.
     */
    VolumeFacts copyVolume(long hostId, String pool, String source, String name);

    /** Grows a volume to {@code capacityMiB} (libvirt refuses to shrink without being told to; Virtdeck never does). */
    VolumeFacts resizeVolume(long hostId, String pool, String name, long capacityMiB);

    /** A linked clone of a volume: a new qcow2 volume in the same pool whose backing file is {@code source}. */
    VolumeFacts linkVolume(long hostId, String pool, String source, String name);

    /**
     * An empty raw volume of exactly {@code bytes} bytes (sparse) to receive {@link #uploadVolume}: its file then holds
     * exactly the uploaded bytes, and libvirt reports their format (an uploaded qcow2 image shows as qcow2) once the
     * upload has ended.
     */
    VolumeFacts createUploadTarget(long hostId, String pool, String name, long bytes);

    /**
     * How many bytes {@link #downloadVolume} streams for the volume: its file or device as it sits on the host (a qcow2
     * file's own size, not the virtual disk's).
     */
    long volumeBytes(long hostId, String pool, String volume);

    /**
     * Streams the volume's bytes from its host into {@code out} through a libvirt stream, in bounded chunks (never the
     * whole volume in memory), without the call timeout. {@code progress} hears the byte count so far after each chunk;
     * anything it throws (a cancel) aborts the stream and reaches the caller unchanged. Returns the bytes streamed.
     * {@code out} is left open. A failure writing to {@code out} arrives as an {@link java.io.UncheckedIOException}.
     */
    long downloadVolume(long hostId, String pool, String volume, java.io.OutputStream out,
                        java.util.function.LongConsumer progress);

    /**
     * Streams exactly {@code length} bytes from {@code in} into the volume (from its start) through a libvirt stream,
     * in bounded chunks, without the call timeout; the volume must exist and be at least that large (see
     * {@link #createUploadTarget}). {@code progress} hears the byte count after each chunk; anything it throws aborts
     * the stream and reaches the caller unchanged. An {@code in} that ends early aborts the upload
     * ({@link HypervisorException.Kind#FAILED}); a failure reading it arrives as an
     * {@link java.io.UncheckedIOException}. {@code in} is left open. An aborted upload leaves the volume's content
     * partly written: the caller deletes a volume it made for the upload.
     */
    void uploadVolume(long hostId, String pool, String volume, java.io.InputStream in, long length,
                      java.util.function.LongConsumer progress);

    /**
     * Defines a clone of a domain (on {@code sourceHostId}) from its persistent definition, on {@code targetHostId}
     * (the same host or another): the new name and UUID, new MAC addresses, and the disks whose source is a key of
     * {@code copies} on those volumes (of the target). The clone stays shut off.
     */
    void defineClone(long sourceHostId, UUID source, long targetHostId, String name, UUID uuid,
                     Map<String, PooledVolume> copies);

    /** The file a qcow2 volume is an overlay of (its backing file); empty for a volume that stands alone. */
    Optional<String> volumeBackingFile(long hostId, String pool, String volume);

    /** Defines a persistent domain from the spec (it stays shut off). */
    void define(long hostId, DomainSpec spec);

    void setAutostart(long hostId, UUID uuid, boolean autostart);

    /**
     * Changes a domain's vCPU count and/or memory (null: unchanged): in its definition, and live when it runs. A
     * running domain cannot grow beyond the maximum it was started with ({@link HypervisorException.Kind#INVALID_STATE});
     * a shut-off one gets a new maximum as well.
     */
    void resize(long hostId, UUID uuid, Integer vcpus, Long memoryMiB);

    /**
     * Plugs a device in: into the running domain (hot-plug) and its definition, or only the definition when it is
     * shut off. {@link #attachDisk} puts a pool's volume at the first free virtio target and returns that target
     * (vdb); {@link #attachNic} a NIC as specified.
     */
    String attachDisk(long hostId, UUID uuid, String pool, String volume, String format);

    void attachNic(long hostId, UUID uuid, NicSpec nic);

    /**
     * Unplugs the disk at {@code target} or the NIC with {@code mac}, from the running domain and its definition.
     * A running guest must let go of the device (ACPI): returns false when it still has it after {@code patience}.
     */
    boolean detachDisk(long hostId, UUID uuid, String target, java.time.Duration patience);

    boolean detachNic(long hostId, UUID uuid, String mac, java.time.Duration patience);

    /** The resource limits in the domain's definition (what it gets at its next start). */
    ResourceLimits limits(long hostId, UUID uuid);

    /**
     * Replaces the resource limits in the domain's definition. A running QEMU domain also gets its CPU shares, quota
     * and period at once; the other limits apply from its next start.
     */
    void setLimits(long hostId, UUID uuid, ResourceLimits limits);

    /** The domain's snapshots, in no particular order; each names its parent. */
    List<SnapshotFacts> snapshots(long hostId, UUID uuid);

    /**
     * Takes a snapshot of the domain as it is now. INTERNAL: disks and memory when it runs or is paused, disks alone
     * when it is shut off. External: a qcow2 overlay per disk, and the memory in a file beside the first disk when
     * asked. No call timeout: saving a large memory takes as long as it takes.
     */
    SnapshotFacts createSnapshot(long hostId, UUID uuid, String name, String description, SnapshotKind kind);

    /** Whether the host's libvirt can revert to an external snapshot (9.7 and later). */
    boolean revertsExternalSnapshots(long hostId);

    /** Puts the domain back to the snapshot: its present state is lost. No call timeout (a memory is loaded). */
    void revertToSnapshot(long hostId, UUID uuid, String name);

    /** Deletes the snapshot; its children, if any, become children of its parent. */
    void deleteSnapshot(long hostId, UUID uuid, String name);
}

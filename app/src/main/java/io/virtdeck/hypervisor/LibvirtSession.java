package io.virtdeck.hypervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.DomainSnapshot;
import org.libvirt.LibvirtException;
import org.libvirt.Network;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import io.virtdeck.core.HypervisorException;

/**
 * One call's view of a host's connection: looks libvirt objects up, hands them to the work and frees them after it,
 * whatever happens. A handle that is not freed keeps its connection open, so no lookup happens anywhere else.
 */
final class LibvirtSession {

    private final Connect connect;

    LibvirtSession(Connect connect) {
        this.connect = connect;
    }

    /** The connection itself, for calls on the host rather than on one of its objects. */
    Connect connect() {
        return connect;
    }

    <T> T domain(UUID uuid, Work<Domain, T> work) throws LibvirtException {
        return using(connect.domainLookupByUUID(uuid), Domain::free, work);
    }

    /**
     * Reads every domain listed with {@code flags} (virConnectListAllDomainsFlags, 0 for all); a domain undefined
     * between listing and reading is left out (the next event or reconcile settles it), as are null answers. A
     * failure still frees the domains not read yet.
     */
    <T> List<T> eachDomain(int flags, Work<Domain, T> read) throws LibvirtException {
        Domain[] domains = connect.listAllDomains(flags);
        List<T> results = new ArrayList<>();
        int next = 0;
        try {
            while (next < domains.length) {
                Domain domain = domains[next++];
                try {
                    T result = using(domain, Domain::free, read);
                    if (result != null) {
                        results.add(result);
                    }
                } catch (LibvirtException e) {
                    if (LibvirtErrors.kindOf(e) != HypervisorException.Kind.NOT_FOUND) {
                        throw e;
                    }
                }
            }
        } finally {
            while (next < domains.length) {
                domains[next++].free();
            }
        }
        return results;
    }

    /**
     * virConnectGetAllDomainStats ({@link LibvirtNative#allDomainStats}) for the domains {@code domains} selects; where
     * the driver has no such call (LXC), each domain's virDomainGetInfo instead: a record with its state alone, and
     * its CPU time and memory. {@code domains} is either {@link LibvirtFlags#STATS_ACTIVE_DOMAINS} or
     * {@link LibvirtFlags#STATS_ALL_DOMAINS}, which are also the listing flags for those domains.
     */
    List<LibvirtNative.DomainStatsRecord> domainStats(int groups, int domains) throws LibvirtException {
        try {
            return LibvirtNative.allDomainStats(connect, groups, domains);
        } catch (HypervisorException e) {
            if (e.kind() != HypervisorException.Kind.UNSUPPORTED) {
                throw e;
            }
        }
        return eachDomain(domains, domain -> {
            DomainInfo info = domain.getInfo();
            return new LibvirtNative.DomainStatsRecord(UUID.fromString(domain.getUUIDString()),
                    Map.of("state.state", (long) info.state.ordinal()), info.cpuTime, info.memory);
        });
    }

    static <T> T snapshot(Domain domain, String name, Work<DomainSnapshot, T> work) throws LibvirtException {
        return using(domain.snapshotLookupByName(name), DomainSnapshot::free, work);
    }

    <T> T pool(String name, Work<StoragePool, T> work) throws LibvirtException {
        return using(connect.storagePoolLookupByName(name), StoragePool::free, work);
    }

    <T> T volume(String pool, String name, Work<StorageVol, T> work) throws LibvirtException {
        return pool(pool, storagePool -> volume(storagePool, name, work));
    }

    static <T> T volume(StoragePool pool, String name, Work<StorageVol, T> work) throws LibvirtException {
        return using(pool.storageVolLookupByName(name), StorageVol::free, work);
    }

    /** The volume whose file or device is at {@code path}. */
    <T> T volumeAt(String path, Work<StorageVol, T> work) throws LibvirtException {
        return using(connect.storageVolLookupByPath(path), StorageVol::free, work);
    }

    /** The volume behind a disk's source: a path, or "pool/volume" as a disk of type volume names it. */
    <T> T volumeOf(String source, Work<StorageVol, T> work) throws LibvirtException {
        if (source.startsWith("/")) {
            return volumeAt(source, work);
        }
        int slash = source.indexOf('/');
        return volume(source.substring(0, Math.max(slash, 0)), source.substring(slash + 1), work);
    }

    /** The pool a volume belongs to. */
    static <T> T poolOf(StorageVol volume, Work<StoragePool, T> work) throws LibvirtException {
        return using(volume.storagePoolLookupByVolume(), StoragePool::free, work);
    }

    /** A volume a call returned (one just created or copied), handed to the work and then freed. */
    static <T> T freeing(StorageVol volume, Work<StorageVol, T> work) throws LibvirtException {
        return using(volume, StorageVol::free, work);
    }

    /** A snapshot a call returned (one just taken, the current one), handed to the work and then freed. */
    static <T> T freeing(DomainSnapshot snapshot, Work<DomainSnapshot, T> work) throws LibvirtException {
        return using(snapshot, DomainSnapshot::free, work);
    }

    <T> T network(String name, Work<Network, T> work) throws LibvirtException {
        return using(connect.networkLookupByName(name), Network::free, work);
    }

    /** The host's storage pools by name, running ones and those only defined: true when it runs. */
    SortedMap<String, Boolean> pools() throws LibvirtException {
        return activeAndDefined(connect.listStoragePools(), connect.listDefinedStoragePools());
    }

    /** The host's virtual networks by name, running ones and those only defined: true when it runs. */
    SortedMap<String, Boolean> networks() throws LibvirtException {
        return activeAndDefined(connect.listNetworks(), connect.listDefinedNetworks());
    }

    private static SortedMap<String, Boolean> activeAndDefined(String[] active, String[] defined) {
        SortedMap<String, Boolean> names = new TreeMap<>();
        for (String name : active) {
            names.put(name, true);
        }
        for (String name : defined) {
            names.put(name, false);
        }
        return names;
    }

    /** What the lookup finds; empty when libvirt answers that there is no such object. */
    static <T> Optional<T> ifFound(Lookup<T> lookup) throws LibvirtException {
        try {
            return Optional.of(lookup.get());
        } catch (LibvirtException e) {
            if (LibvirtErrors.kindOf(e) == HypervisorException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static <H, T> T using(H handle, Free<H> free, Work<H, T> work) throws LibvirtException {
        try {
            return work.apply(handle);
        } finally {
            free.free(handle);
        }
    }

    /** Work on one libvirt object, which is freed after it. */
    @FunctionalInterface
    interface Work<H, T> {
        T apply(H handle) throws LibvirtException;
    }

    /** A unit of work on a host, given a session on its connection. */
    @FunctionalInterface
    interface Call<T> {
        T apply(LibvirtSession session) throws LibvirtException;
    }

    @FunctionalInterface
    interface Lookup<T> {
        T get() throws LibvirtException;
    }

    @FunctionalInterface
    private interface Free<H> {
        void free(H handle) throws LibvirtException;
    }
}

package io.virtdeck.backup;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.PoolAction;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeTransfer;
import io.virtdeck.storage.SharedPools;

/** A store that is a pool of a host: libvirt reaches it there and on hosts sharing its storage; streamed elsewhere. */
final class PoolStoreFiles implements StoreFiles {

    private static final Logger log = LoggerFactory.getLogger(PoolStoreFiles.class);

    private final long hostId;
    private final String pool;
    private final StorageGateway storage;
    private final SharedPools sharedPools;
    private final VolumeTransfer transfer;

    PoolStoreFiles(long hostId, String pool, StorageGateway storage, SharedPools sharedPools,
                   VolumeTransfer transfer) {
        this.hostId = hostId;
        this.pool = pool;
        this.storage = storage;
        this.sharedPools = sharedPools;
        this.transfer = transfer;
    }

    @Override
    public boolean reachedBy(long host) {
        return sharedPools.shares(hostId, pool, host);
    }

    @Override
    public String pool() {
        return pool;
    }

    @Override
    public void receive(VolumeTransfer.Location from, String name, long bytes, LongConsumer progress)
            throws InterruptedException {
        transfer.createTarget(hostId, pool, name, bytes);
        transfer.stream(from, new VolumeTransfer.Location(hostId, pool, name), bytes, progress);
    }

    @Override
    public void send(String name, long host, String toPool, LongConsumer progress) throws InterruptedException {
        long bytes = bytes(name);
        transfer.createTarget(host, toPool, name, bytes);
        transfer.stream(new VolumeTransfer.Location(hostId, pool, name), new VolumeTransfer.Location(host, toPool,
                name), bytes, progress);
    }

    @Override
    public long bytes(String name) {
        return transfer.bytes(hostId, pool, name);
    }

    @Override
    public List<String> delete(List<String> names) {
        try { // written through another host that shares the pool, or streamed: this host may not list them yet
            storage.poolAction(hostId, pool, PoolAction.REFRESH);
        } catch (HypervisorException e) {
            log.info("pool {} of host {} not refreshed: {}", pool, hostId, e.getMessage());
        }
        List<String> left = new ArrayList<>();
        for (String name : names) {
            try {
                if (storage.volume(hostId, pool, name).isPresent()) {
                    storage.deleteVolume(hostId, pool, name);
                }
            } catch (HypervisorException e) {
                left.add(pool + "/" + name);
            }
        }
        return left;
    }

    @Override
    public Space space() {
        try {
            return storage.pools(hostId).stream().filter(p -> p.name().equals(pool)).findFirst()
                    .map(p -> new Space(p.capacityMiB(), p.availableMiB())).orElse(new Space(null, null));
        } catch (HypervisorException e) {
            return new Space(null, null); // the host is away: the catalogue still shows
        }
    }
}

package io.virtdeck.backup;

import java.nio.file.Path;

import org.springframework.stereotype.Component;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeStreamGateway;
import io.virtdeck.hypervisor.VolumeTransfer;
import io.virtdeck.storage.SharedPools;

/** The files of a store, by its kind. */
@Component
class StoreFilesFactory {

    private final StorageGateway storage;
    private final SharedPools sharedPools;
    private final VolumeTransfer transfer;
    private final VolumeStreamGateway streams;

    StoreFilesFactory(StorageGateway storage, SharedPools sharedPools, VolumeTransfer transfer,
                      VolumeStreamGateway streams) {
        this.storage = storage;
        this.sharedPools = sharedPools;
        this.transfer = transfer;
        this.streams = streams;
    }

    StoreFiles of(BackupStore store) {
        return store.onServer() ? new DirectoryStoreFiles(Path.of(store.directory()), streams)
                : new PoolStoreFiles(store.hostId(), store.pool(), storage, sharedPools, transfer);
    }
}

package io.virtdeck.hypervisor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import io.virtdeck.ThreadPools;
import io.virtdeck.core.HypervisorException;

/**
 * A volume copied in full by libvirt on its host ({@link StorageGateway#copyVolume}), watched while it runs: the call
 * blocks for as long as the copy takes, so it runs on a thread of its own while the caller hears how many MiB the new
 * volume holds so far. Used by clones on the same host and by disk moves of shut-off guests.
 */
@Component
public class VolumeCopier {

    private static final long POLL_MS = 500;

    private final StorageGateway storageGateway;
    private final Executor copyCalls;

    public VolumeCopier(StorageGateway storageGateway,
                        @Qualifier(ThreadPools.VOLUME_COPY_CALLS) Executor copyCalls) {
        this.storageGateway = storageGateway;
        this.copyCalls = copyCalls;
    }

    /**
     * Copies {@code fromPool}/{@code source} into the new volume {@code toPool}/{@code name}; {@code copiedMiB} hears
     * what the copy holds so far (from 0), about twice a second. Anything it throws stops the watching, not the copy.
     */
    public VolumeFacts copy(long hostId, String fromPool, String source, String toPool, String name,
                            LongConsumer copiedMiB) throws InterruptedException {
        CompletableFuture<VolumeFacts> call = CompletableFuture.supplyAsync(() ->
                storageGateway.copyVolume(hostId, fromPool, source, toPool, name), copyCalls);
        long copied = 0;
        while (true) {
            copiedMiB.accept(copied);
            try {
                return call.get(POLL_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                copied = allocated(hostId, toPool, name, copied);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof HypervisorException h ? h
                        : new HypervisorException(HypervisorException.Kind.FAILED, String.valueOf(e.getCause()), e);
            }
        }
    }

    /** How much the copy holds so far; what it held before when libvirt cannot say now (the copy goes on anyway). */
    private long allocated(long hostId, String pool, String name, long before) {
        try {
            return storageGateway.volume(hostId, pool, name).map(VolumeFacts::allocationMiB).orElse(before);
        } catch (HypervisorException e) {
            return before;
        }
    }
}

package io.virtdeck.hypervisor;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
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
 * A volume's bytes from one host to another through Virtdeck: the source host's download piped into the target
 * host's upload, a chunk at a time (never the whole volume in memory). Hosts need nothing but libvirt: no SSH between
 * them, no shared storage. Used by clones to another host and by backups whose store is on another host.
 */
@Component
public class VolumeTransfer {

    /** The pipe between a download and its upload: enough for a few of libvirt's stream chunks. */
    private static final int PIPE_BYTES = 4 << 20;

    private final VolumeStreamGateway streams;
    private final Executor copyCalls;

    public VolumeTransfer(VolumeStreamGateway streams, @Qualifier(ThreadPools.VOLUME_COPY_CALLS) Executor copyCalls) {
        this.streams = streams;
        this.copyCalls = copyCalls;
    }

    /** How many bytes {@link #stream} moves for the volume: its file as it sits on its host. */
    public long bytes(long hostId, String pool, String volume) {
        return streams.volumeBytes(hostId, pool, volume);
    }

    /**
     * An empty volume on the target to receive {@code bytes} bytes: once filled, libvirt sees the format in them (a
     * qcow2 file arrives as qcow2, its backing file name included).
     */
    public VolumeFacts createTarget(long hostId, String pool, String name, long bytes) {
        return streams.createUploadTarget(hostId, pool, name, bytes);
    }

    /**
     * Streams {@code bytes} bytes of {@code from} into the existing volume {@code to} (see {@link #createTarget}).
     * {@code progress} hears the bytes so far; anything it throws (a cancel) stops both streams and reaches the
     * caller. The target is left partly written on failure: its maker deletes it.
     */
    public void stream(Location from, Location to, long bytes, LongConsumer progress) throws InterruptedException {
        CompletableFuture<Long> download;
        try (PipedInputStream in = new PipedInputStream(PIPE_BYTES)) {
            PipedOutputStream out = new PipedOutputStream(in);
            download = CompletableFuture.supplyAsync(() -> {
                try (out) { // closing it ends the upload's input, early if the download failed
                    return streams.downloadVolume(from.hostId(), from.pool(), from.volume(), out, copied -> { });
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, copyCalls);
            try {
                streams.uploadVolume(to.hostId(), to.pool(), to.volume(), in, bytes, progress);
            } catch (HypervisorException e) {
                throw downloadFailure(download).orElse(e); // an upload cut short by the download says less
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            download.get();
        } catch (ExecutionException e) {
            throw downloadFailure(download).orElseGet(() ->
                    new HypervisorException(HypervisorException.Kind.FAILED, String.valueOf(e.getCause()), e));
        }
    }

    /** The download's own libvirt failure, once it has ended (closing the pipe ends it soon after an upload fails). */
    private static Optional<HypervisorException> downloadFailure(CompletableFuture<Long> download)
            throws InterruptedException {
        try {
            download.get(30, TimeUnit.SECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            return e.getCause() instanceof HypervisorException h ? Optional.of(h) : Optional.empty();
        } catch (TimeoutException e) {
            download.cancel(true);
            return Optional.empty();
        }
    }

    /** A volume of a pool on a host. */
    public record Location(long hostId, String pool, String volume) {
    }
}

package io.virtdeck.hypervisor;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.function.LongConsumer;
import io.virtdeck.core.HypervisorException;

/**
 * A volume's bytes streamed between Virtdeck and its host through libvirt streams, and the volumes made to receive
 * them. A call that makes or fills a volume publishes {@link PoolVolumesChanged}.
 */
public interface VolumeStreamGateway {

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
     * {@code out} is left open. A failure writing to {@code out} arrives as an {@link UncheckedIOException}.
     */
    long downloadVolume(long hostId, String pool, String volume, OutputStream out,
                        LongConsumer progress);

    /**
     * Streams exactly {@code length} bytes from {@code in} into the volume (from its start) through a libvirt stream,
     * in bounded chunks, without the call timeout; the volume must exist and be at least that large (see
     * {@link #createUploadTarget}). {@code progress} hears the byte count after each chunk; anything it throws aborts
     * the stream and reaches the caller unchanged. An {@code in} that ends early aborts the upload
     * ({@link HypervisorException.Kind#FAILED}); a failure reading it arrives as an
     * {@link UncheckedIOException}. {@code in} is left open. An aborted upload leaves the volume's content
     * partly written: the caller deletes a volume it made for the upload.
     */
    void uploadVolume(long hostId, String pool, String volume, InputStream in, long length,
                      LongConsumer progress);
}

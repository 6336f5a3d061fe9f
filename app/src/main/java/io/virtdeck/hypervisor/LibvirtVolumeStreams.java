package io.virtdeck.hypervisor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.function.LongConsumer;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import io.virtdeck.core.HypervisorException;

/** The libvirt-backed {@link VolumeStreamGateway}. */
@Component
class LibvirtVolumeStreams implements VolumeStreamGateway {

    private static final Logger log = LoggerFactory.getLogger(LibvirtVolumeStreams.class);

    /** libvirt's largest stream message payload (VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX): one chunk per message. */
    private static final int STREAM_CHUNK = 256 * 1024;

    private final HostConnections connections;
    private final ApplicationEventPublisher events;

    LibvirtVolumeStreams(HostConnections connections, ApplicationEventPublisher events) {
        this.connections = connections;
        this.events = events;
    }

    @Override
    public VolumeFacts createUploadTarget(long hostId, String pool, String name, long bytes) {
        VolumeFacts target = connections.call(hostId, session -> session.pool(pool, storagePool ->
                LibvirtSession.freeing(storagePool.storageVolCreateXML(StorageXml.uploadTarget(name, bytes), 0),
                        LibvirtStorage::read)));
        events.publishEvent(new PoolVolumesChanged(hostId, pool));
        return target;
    }

    @Override
    public long volumeBytes(long hostId, String pool, String volume) {
        return connections.call(hostId, session -> session.volume(pool, volume,
                storageVol -> StorageXml.physicalBytes(storageVol.getXMLDesc(0))));
    }

    @Override
    public long downloadVolume(long hostId, String pool, String volume, OutputStream out, LongConsumer progress) {
        return connections.callUntilDone(hostId, session -> session.volume(pool, volume, storageVol ->
                withStream(session.connect(), stream -> {
                    storageVol.download(stream, 0, 0, 0);
                    byte[] chunk = new byte[STREAM_CHUNK];
                    long total = 0;
                    int received;
                    while ((received = stream.receive(chunk)) > 0) { // 0: the end of the volume
                        out.write(chunk, 0, received);
                        total += received;
                        progress.accept(total);
                    }
                    stream.finish();
                    return total;
                })));
    }

    @Override
    public void uploadVolume(long hostId, String pool, String volume, InputStream in, long length,
                             LongConsumer progress) {
        connections.callUntilDone(hostId, session -> session.volume(pool, volume, storageVol ->
                withStream(session.connect(), stream -> {
                    storageVol.upload(stream, 0, length, 0);
                    byte[] chunk = new byte[STREAM_CHUNK];
                    long sent = 0;
                    while (sent < length) {
                        int read = in.readNBytes(chunk, 0, (int) Math.min(chunk.length, length - sent));
                        if (read == 0) {
                            throw new HypervisorException(HypervisorException.Kind.FAILED, "the upload ended after "
                                    + sent + " of " + length + " bytes");
                        }
                        sendAll(stream, read == chunk.length ? chunk : Arrays.copyOf(chunk, read));
                        sent += read;
                        progress.accept(sent);
                    }
                    stream.finish(); // libvirt then refreshes the pool and probes the volume's format
                    return null;
                })));
        events.publishEvent(new PoolVolumesChanged(hostId, pool));
    }

    /**
     * Runs work on a new blocking stream of the connection. A failure aborts the stream (free() alone would finish
     * it, committing a partial upload); an I/O failure on the caller's side arrives as UncheckedIOException.
     */
    private static <T> T withStream(Connect connect, StreamCall<T> work) throws LibvirtException {
        Stream stream = connect.streamNew(0);
        try {
            return work.apply(stream);
        } catch (IOException e) {
            abortQuietly(stream);
            throw new UncheckedIOException(e);
        } catch (LibvirtException | RuntimeException e) {
            abortQuietly(stream);
            throw e;
        } finally {
            stream.free();
        }
    }

    @FunctionalInterface
    private interface StreamCall<T> {
        T apply(Stream stream) throws LibvirtException, IOException;
    }

    /** Stream.send takes a whole array and may take only part of it: the rest goes again until all is sent. */
    private static void sendAll(Stream stream, byte[] bytes) throws LibvirtException {
        byte[] remaining = bytes;
        while (remaining.length > 0) {
            int sent = stream.send(remaining);
            remaining = Arrays.copyOfRange(remaining, sent, remaining.length);
        }
    }

    /** Ends a stream that failed, so that free() does not finish it. */
    private static void abortQuietly(Stream stream) {
        try {
            stream.abort();
        } catch (LibvirtException | RuntimeException e) {
            log.debug("aborting a libvirt stream: {}", e.getMessage());
        }
    }
}

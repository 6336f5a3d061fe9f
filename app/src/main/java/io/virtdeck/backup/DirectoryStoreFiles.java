package io.virtdeck.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

import io.virtdeck.hypervisor.VolumeStreamGateway;
import io.virtdeck.hypervisor.VolumeTransfer;

/**
 * A store that is a directory on the Virtdeck server: no host reaches it, so every backup streams into it through
 * libvirt, and every restore streams out of it. With several Virtdeck instances the directory must be the same shared
 * storage on each (an instance that does not see a file cannot restore it).
 */
final class DirectoryStoreFiles implements StoreFiles {

    private final Path directory;
    private final VolumeStreamGateway streams;

    DirectoryStoreFiles(Path directory, VolumeStreamGateway streams) {
        this.directory = directory;
        this.streams = streams;
    }

    @Override
    public boolean reachedBy(long hostId) {
        return false;
    }

    @Override
    public String pool() {
        throw new IllegalStateException("no host reaches directory " + directory + " itself");
    }

    @Override
    public void receive(VolumeTransfer.Location from, String name, long bytes, LongConsumer progress) {
        try (OutputStream out = Files.newOutputStream(file(name))) {
            streams.downloadVolume(from.hostId(), from.pool(), from.volume(), out, progress);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file(name) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void send(String name, long hostId, String pool, LongConsumer progress) {
        long bytes = bytes(name);
        streams.createUploadTarget(hostId, pool, name, bytes);
        try (InputStream in = Files.newInputStream(file(name))) {
            streams.uploadVolume(hostId, pool, name, in, bytes, progress);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file(name) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long bytes(String name) {
        try {
            return Files.size(file(name));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file(name) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> delete(List<String> names) {
        List<String> left = new ArrayList<>();
        for (String name : names) {
            try {
                Files.deleteIfExists(file(name));
            } catch (IOException e) {
                left.add(file(name).toString());
            }
        }
        return left;
    }

    @Override
    public Space space() {
        try {
            FileStore store = Files.getFileStore(directory);
            return new Space(store.getTotalSpace() >> 20, store.getUsableSpace() >> 20);
        } catch (IOException e) {
            return new Space(null, null);
        }
    }

    /** A file of the directory; names come from the catalogue, never from a request, and stay inside it. */
    private Path file(String name) {
        Path file = directory.resolve(name).normalize();
        if (!directory.equals(file.getParent())) {
            throw new IllegalArgumentException("not a file name: " + name);
        }
        return file;
    }
}

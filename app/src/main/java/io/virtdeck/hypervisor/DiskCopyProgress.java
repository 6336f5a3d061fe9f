package io.virtdeck.hypervisor;

/**
 * How far a disk copy got: bytes copied of the bytes to copy (which grow while the guest writes). libvirt reports the
 * two equal only once the copy has caught up and mirrors every write: then it may {@link #ready() pivot}.
 */
public record DiskCopyProgress(long copiedBytes, long totalBytes) {

    public boolean ready() {
        return totalBytes > 0 && copiedBytes == totalBytes;
    }
}

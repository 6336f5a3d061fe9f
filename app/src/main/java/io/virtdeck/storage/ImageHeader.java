package io.virtdeck.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.virtdeck.core.VirtdeckException;

/**
 * What the first bytes of an uploaded image say it is, read before anything is made on a host: so that a volume
 * never holds a format other than the one it was uploaded as, nor a qcow2 image that would read another file through
 * a backing file.
 *
 * @param format qcow2, vmdk, vhdx, vpc, vdi, qed, or raw when no image format's signature is there
 * @param backingFile a qcow2 image naming a backing file
 */
record ImageHeader(String format, boolean backingFile) {

    /** Bytes read ahead: every signature looked for lies within them. */
    static final int PEEK = 512;

    /**
     * Reads the start of {@code in} without consuming it; {@code in} must support mark (a BufferedInputStream).
     * {@code length} bounds the read for tiny images.
     */
    static ImageHeader peek(InputStream in, long length) throws IOException {
        in.mark(PEEK);
        byte[] head = in.readNBytes((int) Math.min(PEEK, length));
        in.reset();
        return of(head);
    }

    static ImageHeader of(byte[] head) {
        if (startsWith(head, 0, new byte[] {'Q', 'F', 'I', (byte) 0xfb})) {
            // qcow2's backing_file_offset: a big-endian 64-bit number at byte 8, 0 when there is none
            boolean backing = head.length >= 16 && ByteBuffer.wrap(head, 8, 8).getLong() != 0;
            return new ImageHeader("qcow2", backing);
        }
        if (startsWith(head, 0, ascii("KDMV")) || startsWith(head, 0, ascii("# Disk DescriptorFile"))) {
            return new ImageHeader("vmdk", false);
        }
        if (startsWith(head, 0, ascii("vhdxfile"))) {
            return new ImageHeader("vhdx", false);
        }
        if (startsWith(head, 0, ascii("conectix"))) { // a dynamic VHD's copy of its footer
            return new ImageHeader("vpc", false);
        }
        if (startsWith(head, 0, new byte[] {'Q', 'E', 'D', 0})) {
            return new ImageHeader("qed", false);
        }
        if (startsWith(head, 0x40, new byte[] {0x7f, 0x10, (byte) 0xda, (byte) 0xbe})) {
            return new ImageHeader("vdi", false);
        }
        return new ImageHeader("raw", false);
    }

    /** Refuses (400, field {@code format}) bytes that are not what {@code declared} says, or lean on a backing file. */
    void require(String declared) {
        if (backingFile) {
            throw VirtdeckException.invalid("format", "The image has a backing file: it is not whole on its own. Make"
                    + " a standalone copy first (qemu-img convert -O qcow2), then upload that.");
        }
        if (!format.equals(declared)) {
            throw VirtdeckException.invalid("format", "format says " + declared + ", but the bytes sent are a "
                    + format + " image. Send format=" + format + (format.equals("qcow2") ? "" : " on the Import page,"
                    + " which converts it to qcow2") + ".");
        }
    }

    private static boolean startsWith(byte[] head, int offset, byte[] signature) {
        return head.length >= offset + signature.length
                && Arrays.equals(head, offset, offset + signature.length, signature, 0, signature.length);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}

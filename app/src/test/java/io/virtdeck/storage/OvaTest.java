package io.virtdeck.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import io.virtdeck.core.VirtdeckException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.virtdeck.support.Commands.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * OVA archives and OVF descriptors: what is read, and what is refused or left unwritten. An archive with a 9 GiB disk
 * is a sparse file (its zeros are a hole) and unpacking keeps the hole, so it needs a few KiB of disk; the reader
 * still streams the whole 9 GiB, a few seconds.
 */
class OvaTest {

    private static final long NINE_GIB = 9L << 30;
    private static final byte[] FIRST = "FIRST".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST = "LAST".getBytes(StandardCharsets.US_ASCII);

    private static final String HEAD = """
            <Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"
                      xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
                      xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
              <References><File ovf:id="f1" ovf:href="a.vmdk"/><File ovf:id="f2" ovf:href="b.vmdk"/></References>
              <DiskSection><Disk ovf:diskId="d1" ovf:fileRef="f1"/><Disk ovf:diskId="d2" ovf:fileRef="f2"/></DiskSection>
            """;

    @Test
    void theGuestsNameCpusMemoryAndDisksAreRead(@TempDir Path dir) throws IOException {
        Path ovf = write(dir, HEAD + """
                  <VirtualSystem ovf:id="sys-id"><Name>web-01</Name><VirtualHardwareSection>
                    <Item><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>4</rasd:VirtualQuantity></Item>
                    <Item><rasd:AllocationUnits>byte * 2^30</rasd:AllocationUnits><rasd:ResourceType>4</rasd:ResourceType>
                      <rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>
                  </VirtualHardwareSection></VirtualSystem></Envelope>
                """);
        Ova.Descriptor descriptor = Ova.read(ovf);
        assertThat(descriptor).isEqualTo(new Ova.Descriptor("web-01", 4, 2048, java.util.List.of("a.vmdk", "b.vmdk")));
    }

    @Test
    void aDescriptorWithADoctypeIsRefusedBeforeAnyEntityIsRead(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "do-not-leak");
        Path ovf = write(dir, "<?xml version=\"1.0\"?>\n<!DOCTYPE Envelope [<!ENTITY leak SYSTEM \"file://" + secret
                + "\">]>\n" + HEAD + "<VirtualSystem ovf:id=\"x\"><Name>&leak;</Name></VirtualSystem></Envelope>");
        assertThatThrownBy(() -> Ova.read(ovf)).isInstanceOf(VirtdeckException.class)
                .hasMessageContaining("not XML Virtdeck reads").hasMessageNotContaining("do-not-leak")
                .satisfies(e -> assertThat(((VirtdeckException) e).field()).isEqualTo("image"));
    }

    @Test
    void onlyPlainFileNamesAreUnpackedAndNothingLandsOutsideTheDirectory(@TempDir Path dir) throws Exception {
        Path source = Files.createDirectories(dir.resolve("source/sub"));
        Files.writeString(dir.resolve("source/good.ovf"), "<x/>");
        Files.writeString(source.resolve("nested.vmdk"), "nested");
        Path ova = dir.resolve("x.ova");
        // a member named with "..", one in a directory, and a plain one
        run("tar", "--format=ustar", "-C", dir.resolve("source").toString(), "-cf", ova.toString(),
                "--transform", "s,^sub/nested.vmdk,../escaped.vmdk,", "good.ovf", "sub/nested.vmdk");
        run("tar", "--format=ustar", "-C", dir.resolve("source").toString(), "-rf", ova.toString(), "sub");
        Path target = Files.createDirectories(dir.resolve("target"));
        assertThat(Ova.isOva(ova)).isTrue();
        Map<String, Path> files = Ova.unpack(ova, target);
        assertThat(files).containsOnlyKeys("good.ovf");
        assertThat(Files.readString(files.get("good.ovf"))).isEqualTo("<x/>");
        assertThat(dir.resolve("escaped.vmdk")).doesNotExist();
        try (var listed = Files.list(target)) {
            assertThat(listed.map(p -> p.getFileName().toString())).containsExactly("good.ovf");
        }
    }

    @Test
    void linksAreNotUnpacked(@TempDir Path dir) throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("good.ovf"), "<x/>");
        Files.createSymbolicLink(source.resolve("soft.vmdk"), Path.of("/etc/hostname"));
        Files.createLink(source.resolve("hard.vmdk"), source.resolve("good.ovf"));
        Path ova = dir.resolve("x.ova");
        run("tar", "--format=ustar", "-C", source.toString(), "-cf", ova.toString(), "good.ovf", "soft.vmdk",
                "hard.vmdk");
        Path target = Files.createDirectories(dir.resolve("target"));
        assertThat(Ova.unpack(ova, target)).containsOnlyKeys("good.ovf");
        try (var listed = Files.list(target)) {
            assertThat(listed.map(p -> p.getFileName().toString())).containsExactly("good.ovf");
        }
    }

    @Test
    void aDiskOf9GiBWhoseSizeIsAGnuBase256NumberIsUnpackedWhole(@TempDir Path dir) throws Exception {
        BigOva ova = bigOva(dir, TarArchiveOutputStream.BIGNUMBER_STAR);
        assertThat(ova.diskHeaders()).hasSize(512);
        assertThat(ova.diskHeaders()[124] & 0x80).as("a base-256 size: 9 GiB takes 12 octal digits, the field 11")
                .isNotZero();
        assertUnpacked(ova.file(), dir, NINE_GIB);
    }

    @Test
    void aDiskOf9GiBWhoseSizeIsAPaxRecordIsUnpackedWhole(@TempDir Path dir) throws Exception {
        BigOva ova = bigOva(dir, TarArchiveOutputStream.BIGNUMBER_POSIX);
        assertThat((char) ova.diskHeaders()[156]).as("a PAX extended header before the disk's").isEqualTo('x');
        assertThat(new String(ova.diskHeaders(), StandardCharsets.US_ASCII)).contains(" size=" + NINE_GIB + "\n");
        assertUnpacked(ova.file(), dir, NINE_GIB);
    }

    @Test
    void aSparseDiskAsGnuTarWritesItIsUnpackedWithItsHoles(@TempDir Path dir) throws Exception {
        long size = 1L << 30;
        Path source = sparseSource(dir, size);
        for (String format : new String[] {"gnu", "pax"}) {
            Path ova = dir.resolve(format + ".ova");
            run("tar", "--format=" + format, "--sparse", "-C", source.toString(), "-cf", ova.toString(),
                    "appliance.ovf", "disk.raw", "after.txt");
            assertThat(Files.size(ova)).as("tar stored only the disk's data").isLessThan(1 << 20);
            assertUnpacked(ova, Files.createDirectories(dir.resolve(format)), size);
        }
    }

    /**
     * Commons Compress 1.28.0 reads a sparse member's real size as an int from PAX records and as octal only from an
     * old-GNU header, so tar --sparse archives of disks that big are refused with a reason, not misread.
     */
    @Test
    void aSparse9GiBDiskAsGnuTarWritesItIsRefusedWithAReason(@TempDir Path dir) throws Exception {
        Path source = sparseSource(dir, NINE_GIB);
        for (String format : new String[] {"gnu", "pax"}) {
            Path ova = dir.resolve(format + ".ova");
            run("tar", "--format=" + format, "--sparse", "-C", source.toString(), "-cf", ova.toString(),
                    "appliance.ovf", "disk.raw", "after.txt");
            Path target = Files.createDirectories(dir.resolve(format));
            assertThatThrownBy(() -> Ova.unpack(ova, target)).as(format).isInstanceOf(VirtdeckException.class)
                    .hasMessageContaining("tar headers cannot be read").hasMessageContaining("--sparse")
                    .satisfies(e -> assertThat(((VirtdeckException) e).field()).isEqualTo("image"));
        }
    }

    @Test
    void aTruncatedArchiveIsRefused(@TempDir Path dir) throws Exception {
        Path whole = bigOva(dir, TarArchiveOutputStream.BIGNUMBER_POSIX).file();
        Path ova = dir.resolve("short.ova");
        try (FileChannel in = FileChannel.open(whole); FileChannel out = FileChannel.open(ova,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            in.transferTo(0, 64 * 1024, out); // the headers and the disk's first bytes only
        }
        Path target = Files.createDirectories(dir.resolve("target"));
        assertThatThrownBy(() -> Ova.unpack(ova, target)).isInstanceOf(VirtdeckException.class)
                .hasMessageContaining("disk.raw")
                .satisfies(e -> assertThat(((VirtdeckException) e).field()).isEqualTo("image"));
    }

    @Test
    void aDiskImageIsNotAnOva(@TempDir Path dir) throws IOException {
        assertThat(Ova.isOva(Files.write(dir.resolve("disk.raw"), new byte[4096]))).isFalse();
    }

    /** An archive on disk, and the tar headers written for its disk. */
    private record BigOva(Path file, byte[] diskHeaders) {
    }

    /**
     * appliance.ovf, a 9 GiB disk.raw ("FIRST", zeros, "LAST") and after.txt, every header written by Commons
     * Compress's tar writer with the given way of writing numbers too big for tar's octal fields. The disk's zeros
     * are not written at all: the archive is put together from the writer's output around a hole, which reads as
     * zeros, so the reader gets the whole 9 GiB while the file takes a few KiB.
     */
    private static BigOva bigOva(Path dir, int bigNumberMode) throws IOException {
        ByteArrayOutputStream before = new ByteArrayOutputStream();
        TarArchiveOutputStream ovfPart = tarWriter(before, bigNumberMode);
        add(ovfPart, "appliance.ovf", "<x/>".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        TarArchiveEntry disk = new TarArchiveEntry("disk.raw");
        disk.setSize(NINE_GIB);
        tarWriter(headers, bigNumberMode).putArchiveEntry(disk); // its headers only: the content is the hole
        ByteArrayOutputStream after = new ByteArrayOutputStream();
        try (TarArchiveOutputStream afterPart = tarWriter(after, bigNumberMode)) {
            add(afterPart, "after.txt", "after the disk".getBytes(StandardCharsets.US_ASCII));
        } // with the two zero records that end an archive
        Path ova = dir.resolve("big.ova");
        try (FileChannel out = FileChannel.open(ova, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long data = before.size() + headers.size();
            out.write(ByteBuffer.wrap(before.toByteArray()), 0);
            out.write(ByteBuffer.wrap(headers.toByteArray()), before.size());
            out.write(ByteBuffer.wrap(FIRST), data);
            out.write(ByteBuffer.wrap(LAST), data + NINE_GIB - LAST.length);
            out.write(ByteBuffer.wrap(after.toByteArray()), data + NINE_GIB); // 9 GiB: a whole number of records
        }
        return new BigOva(ova, headers.toByteArray());
    }

    /** A tar writer whose blocks are single 512-byte records, so each record reaches {@code out} at once. */
    private static TarArchiveOutputStream tarWriter(OutputStream out, int bigNumberMode) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 512);
        tar.setBigNumberMode(bigNumberMode);
        return tar;
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    /** A directory with appliance.ovf, a sparse disk.raw of {@code size} ("FIRST", a hole, "LAST"), after.txt. */
    private static Path sparseSource(Path dir, long size) throws IOException {
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("appliance.ovf"), "<x/>");
        Files.writeString(source.resolve("after.txt"), "after the disk");
        try (RandomAccessFile disk = new RandomAccessFile(source.resolve("disk.raw").toFile(), "rw")) {
            disk.setLength(size); // as truncate -s
            disk.write(FIRST);
            disk.seek(size - LAST.length);
            disk.write(LAST);
        }
        return source;
    }

    /** The OVA unpacks to its three members, the disk whole, and the member after it from its right place. */
    private static void assertUnpacked(Path ova, Path dir, long diskSize) throws Exception {
        assertThat(Ova.isOva(ova)).isTrue();
        Path target = Files.createDirectories(dir.resolve("target"));
        Map<String, Path> files = Ova.unpack(ova, target);
        assertThat(files).containsOnlyKeys("appliance.ovf", "disk.raw", "after.txt");
        Path disk = files.get("disk.raw");
        assertThat(Files.size(disk)).isEqualTo(diskSize);
        try (FileChannel read = FileChannel.open(disk)) {
            ByteBuffer first = ByteBuffer.allocate(FIRST.length);
            read.read(first, 0);
            ByteBuffer last = ByteBuffer.allocate(LAST.length);
            read.read(last, diskSize - LAST.length);
            assertThat(first.array()).isEqualTo(FIRST);
            assertThat(last.array()).isEqualTo(LAST);
        }
        assertThat(Files.readString(files.get("after.txt"))).isEqualTo("after the disk");
        long kib = Long.parseLong(run("du", "-k", disk.toString()).trim().split("\\s+")[0]);
        assertThat(kib).as("the disk's zeros stayed holes").isLessThan(1024);
    }

    private static Path write(Path dir, String text) throws IOException {
        return Files.writeString(dir.resolve("d.ovf"), text, StandardCharsets.UTF_8);
    }
}

package io.virtdeck.guest.cloudinit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A CD-ROM image (ISO 9660, ECMA-119) of a few files in its root directory: the seed cloud-init's NoCloud datasource
 * reads from a disk labelled {@value #NOCLOUD_LABEL} ({@code meta-data}, {@code user-data}, {@code network-config}).
 * Written here rather than by genisoimage or xorriso so that a seed needs nothing installed on Virtdeck's host.
 *
 * <p>The image holds two trees over the same file data. ISO 9660's own names are upper case and 8.3
 * ({@code META_DAT.;1}); the Joliet tree beside them keeps the names exactly as given, and Linux's isofs, and so
 * cloud-init, read that one whenever it is present. No Rock Ridge: Joliet is enough for a seed's names, and a seed has
 * no owners or modes to keep.
 */
public final class CidataImage {

    /** The volume label cloud-init looks for (CIDATA too). */
    public static final String NOCLOUD_LABEL = "cidata";

    static final int MAX_FILES = 16;

    /** Joliet's longest file identifier, in characters. */
    static final int MAX_NAME_LENGTH = 64;

    /**
     * The longest label both volume descriptors hold in full: Joliet's 32 bytes are 16 UCS-2 characters, and blkid
     * reports Joliet's label when there is one.
     */
    static final int MAX_VOLUME_ID_LENGTH = 16;

    /** Far more than any seed; it keeps a mistaken caller from building a CD's worth of bytes in memory. */
    static final long MAX_TOTAL_BYTES = 16L << 20;

    private static final Pattern NAME = Pattern.compile("[a-z0-9._-]+");
    private static final Pattern VOLUME_ID = Pattern.compile("[A-Za-z0-9_]+");

    private static final int SECTOR = 2048;

    // The fixed part of the layout, in sectors; the root directories and then the file data follow it.
    private static final int PRIMARY_DESCRIPTOR = 16;
    private static final int JOLIET_DESCRIPTOR = 17;
    private static final int TERMINATOR = 18;
    private static final int PRIMARY_L_PATH_TABLE = 19;
    private static final int PRIMARY_M_PATH_TABLE = 20;
    private static final int JOLIET_L_PATH_TABLE = 21;
    private static final int JOLIET_M_PATH_TABLE = 22;
    private static final int FIRST_DIRECTORY = 23;

    /** A path table of the root alone: one 8-byte entry and its 1-byte identifier, padded to even length. */
    private static final int PATH_TABLE_SIZE = 10;

    /** The identifiers of a directory's "." and ".." records. */
    private static final byte[] SELF = {0};
    private static final byte[] PARENT = {1};

    /** "Not specified", as the 17-byte date form records it. */
    private static final byte[] NO_DATE = "0000000000000000\0".getBytes(StandardCharsets.US_ASCII);

    /** ECMA-119 9.3's order of directory records: by name, then by extension, each as if padded with spaces. */
    private static final Comparator<String> RECORD_ORDER =
            Comparator.comparing(CidataImage::stem, CidataImage::comparePadded)
                    .thenComparing(CidataImage::extension, CidataImage::comparePadded);

    private CidataImage() {
    }

    /**
     * The image of {@code files} (name to content, in the order their data is laid out) under the label
     * {@code volumeId}, dated now.
     *
     * @throws IllegalArgumentException if the label or a name is not one this image can hold as given, or if there are
     *         no files, too many, or too many bytes
     */
    public static byte[] write(String volumeId, Map<String, byte[]> files) {
        return write(volumeId, files, Instant.now());
    }

    /** As {@link #write(String, Map)}, with every date in the image {@code recorded}: the same seed, the same bytes. */
    static byte[] write(String volumeId, Map<String, byte[]> files, Instant recorded) {
        validate(volumeId, files);
        ZonedDateTime time = recorded.atZone(ZoneOffset.UTC);
        if (time.getYear() < 1900 || time.getYear() > 2155) {
            throw new IllegalArgumentException("an ISO 9660 date lies in 1900..2155, not " + recorded);
        }
        List<String> names = List.copyOf(files.keySet());
        List<byte[]> contents = List.copyOf(files.values());
        List<String> primaryNames = primaryNames(names);

        List<Entry> primaryEntries = new ArrayList<>();
        List<Entry> jolietEntries = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String primaryName = primaryNames.get(i);
            primaryEntries.add(new Entry(primaryName, (primaryName + ";1").getBytes(StandardCharsets.US_ASCII), i));
            // no ";1" in Joliet names: readers take them as they are, and genisoimage leaves it off too
            jolietEntries.add(new Entry(names.get(i), names.get(i).getBytes(StandardCharsets.UTF_16BE), i));
        }
        primaryEntries.sort(Comparator.comparing(Entry::sortName, RECORD_ORDER));
        jolietEntries.sort(Comparator.comparing(Entry::sortName, RECORD_ORDER));

        int[] primaryOffsets = recordOffsets(primaryEntries);
        int[] jolietOffsets = recordOffsets(jolietEntries);
        int primaryRoot = FIRST_DIRECTORY;
        int primarySectors = primaryOffsets[primaryOffsets.length - 1] / SECTOR;
        int jolietRoot = primaryRoot + primarySectors;
        int jolietSectors = jolietOffsets[jolietOffsets.length - 1] / SECTOR;

        // Each file from a sector of its own; an empty file has no data, and its extent, 0, is only a placeholder
        // (where the next file would start may lie past the end of the image).
        int[] fileSectors = new int[contents.size()];
        int next = jolietRoot + jolietSectors;
        for (int i = 0; i < contents.size(); i++) {
            int length = contents.get(i).length;
            fileSectors[i] = length == 0 ? 0 : next;
            next += sectorsFor(length);
        }
        int volumeSectors = next;

        byte[] image = new byte[volumeSectors * SECTOR];
        byte[] longDate = longDate(time);
        byte[] shortDate = shortDate(time);
        Tree primary = new Tree(false, PRIMARY_L_PATH_TABLE, PRIMARY_M_PATH_TABLE, primaryRoot, primarySectors);
        Tree joliet = new Tree(true, JOLIET_L_PATH_TABLE, JOLIET_M_PATH_TABLE, jolietRoot, jolietSectors);
        volumeDescriptor(image, PRIMARY_DESCRIPTOR, primary, volumeId, volumeSectors, longDate, shortDate);
        volumeDescriptor(image, JOLIET_DESCRIPTOR, joliet, volumeId, volumeSectors, longDate, shortDate);
        int terminator = TERMINATOR * SECTOR;
        image[terminator] = (byte) 255;
        standardIdentifier(image, terminator);
        for (Tree tree : List.of(primary, joliet)) {
            pathTables(image, tree);
        }
        directory(image, primary, primaryEntries, primaryOffsets, contents, fileSectors, shortDate);
        directory(image, joliet, jolietEntries, jolietOffsets, contents, fileSectors, shortDate);
        for (int i = 0; i < contents.size(); i++) {
            byte[] data = contents.get(i);
            System.arraycopy(data, 0, image, fileSectors[i] * SECTOR, data.length);
        }
        return image;
    }

    /**
     * A file's record in one tree's root directory: its name there (to sort by), its identifier as recorded, and which
     * of the files it is.
     */
    private record Entry(String sortName, byte[] identifier, int file) {
    }

    /** One of the two trees: its descriptor kind, where its path tables are, and its root directory's extent. */
    private record Tree(boolean joliet, int lPathTable, int mPathTable, int root, int rootSectors) {
    }

    private static void validate(String volumeId, Map<String, byte[]> files) {
        if (volumeId == null || volumeId.isEmpty() || volumeId.length() > MAX_VOLUME_ID_LENGTH
                || !VOLUME_ID.matcher(volumeId).matches()) {
            throw new IllegalArgumentException("volume id must be 1 to " + MAX_VOLUME_ID_LENGTH
                    + " characters of A-Z, a-z, 0-9 and _, not '" + volumeId + "'");
        }
        if (files == null || files.isEmpty() || files.size() > MAX_FILES) {
            throw new IllegalArgumentException("a seed image holds 1 to " + MAX_FILES + " files, not "
                    + (files == null ? 0 : files.size()));
        }
        long total = 0;
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            String name = file.getKey();
            if (name == null || name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()
                    || name.equals(".") || name.equals("..")) {
                throw new IllegalArgumentException("file name must be 1 to " + MAX_NAME_LENGTH
                        + " characters of a-z, 0-9, '.', '_' and '-' (and not . or ..), not '" + name + "'");
            }
            if (file.getValue() == null) {
                throw new IllegalArgumentException("file '" + name + "' has no content (null)");
            }
            total += file.getValue().length;
        }
        if (total > MAX_TOTAL_BYTES) {
            throw new IllegalArgumentException("files total " + total + " bytes, more than a seed image's "
                    + MAX_TOTAL_BYTES);
        }
    }

    /**
     * ISO 9660 level 1 names, in the order of {@code names}: 8.3 upper case, any other character as '_', and made
     * unique by a number at the end of the name where two would be the same ({@code USER_DAT.}, {@code USER_DA1.}).
     */
    private static List<String> primaryNames(List<String> names) {
        Set<String> taken = new HashSet<>();
        List<String> primary = new ArrayList<>();
        for (String name : names) {
            String stem = dCharacters(stem(name), 8);
            String extension = dCharacters(extension(name), 3);
            String candidate = stem + "." + extension;
            for (int n = 1; !taken.add(candidate); n++) {
                String number = Integer.toString(n);
                candidate = stem.substring(0, Math.min(stem.length(), 8 - number.length())) + number + "." + extension;
            }
            primary.add(candidate);
        }
        return primary;
    }

    private static String dCharacters(String text, int max) {
        String upper = text.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
        return upper.substring(0, Math.min(upper.length(), max));
    }

    /** The part of a name before its last dot (all of it if it has none). */
    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    /** The part of a name after its last dot (none if it has no dot). */
    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1);
    }

    private static int comparePadded(String a, String b) {
        for (int i = 0; i < Math.max(a.length(), b.length()); i++) {
            char x = i < a.length() ? a.charAt(i) : ' ';
            char y = i < b.length() ? b.charAt(i) : ' ';
            if (x != y) {
                return Character.compare(x, y);
            }
        }
        return 0;
    }

    private static int recordLength(int identifierLength) {
        // 33 bytes before the identifier; a pad byte keeps each record at an even length
        return 33 + identifierLength + (identifierLength % 2 == 0 ? 1 : 0);
    }

    /**
     * Where each record of a root directory starts in its extent: ".", "..", then the entries; the last element is the
     * extent's length. A record that would cross a sector boundary starts the next sector instead, as ECMA-119 wants.
     */
    private static int[] recordOffsets(List<Entry> entries) {
        int[] offsets = new int[entries.size() + 3];
        int at = 0;
        for (int i = 0; i < entries.size() + 2; i++) {
            int length = recordLength(i < 2 ? 1 : entries.get(i - 2).identifier().length);
            if (at % SECTOR + length > SECTOR) {
                at += SECTOR - at % SECTOR;
            }
            offsets[i] = at;
            at += length;
        }
        offsets[offsets.length - 1] = sectorsFor(at) * SECTOR;
        return offsets;
    }

    private static int sectorsFor(int bytes) {
        return (bytes + SECTOR - 1) / SECTOR;
    }

    private static void volumeDescriptor(byte[] image, int sector, Tree tree, String volumeId, int volumeSectors,
            byte[] longDate, byte[] shortDate) {
        int at = sector * SECTOR;
        image[at] = (byte) (tree.joliet() ? 2 : 1);
        standardIdentifier(image, at);
        text(image, at + 8, 32, "", tree.joliet());
        text(image, at + 40, 32, volumeId, tree.joliet());
        both32(image, at + 80, volumeSectors);
        if (tree.joliet()) {
            // UCS-2 level 3: the escape sequence that marks a supplementary descriptor as Joliet
            image[at + 88] = '%';
            image[at + 89] = '/';
            image[at + 90] = 'E';
        }
        both16(image, at + 120, 1);
        both16(image, at + 124, 1);
        both16(image, at + 128, SECTOR);
        both32(image, at + 132, PATH_TABLE_SIZE);
        littleEndian32(image, at + 140, tree.lPathTable());
        bigEndian32(image, at + 148, tree.mPathTable());
        record(image, at + 156, SELF, tree.root(), tree.rootSectors() * SECTOR, true, shortDate);
        // volume set, publisher, data preparer, application; copyright, abstract, bibliographic file
        text(image, at + 190, 128, "", tree.joliet());
        text(image, at + 318, 128, "", tree.joliet());
        text(image, at + 446, 128, "", tree.joliet());
        text(image, at + 574, 128, "", tree.joliet());
        text(image, at + 702, 37, "", tree.joliet());
        text(image, at + 739, 37, "", tree.joliet());
        text(image, at + 776, 37, "", tree.joliet());
        System.arraycopy(longDate, 0, image, at + 813, 17); // created
        System.arraycopy(longDate, 0, image, at + 830, 17); // modified
        System.arraycopy(NO_DATE, 0, image, at + 847, 17); // expires: never
        System.arraycopy(longDate, 0, image, at + 864, 17); // effective
        image[at + 881] = 1; // file structure version
    }

    private static void standardIdentifier(byte[] image, int descriptor) {
        System.arraycopy("CD001".getBytes(StandardCharsets.US_ASCII), 0, image, descriptor + 1, 5);
        image[descriptor + 6] = 1; // descriptor version
    }

    /** A text field padded with spaces: ASCII in the primary descriptor, UCS-2 big-endian in Joliet's. */
    private static void text(byte[] image, int at, int length, String value, boolean joliet) {
        if (joliet) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_16BE);
            for (int i = 0; i + 1 < length; i += 2) {
                image[at + i] = i < bytes.length ? bytes[i] : 0;
                image[at + i + 1] = i < bytes.length ? bytes[i + 1] : (byte) ' ';
            }
        } else {
            byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < length; i++) {
                image[at + i] = i < bytes.length ? bytes[i] : (byte) ' ';
            }
        }
    }

    /** The L (little-endian) and M (big-endian) path tables of a tree that is only its root. */
    private static void pathTables(byte[] image, Tree tree) {
        int l = tree.lPathTable() * SECTOR;
        int m = tree.mPathTable() * SECTOR;
        image[l] = 1;
        image[m] = 1; // identifier length; the identifier, 0, is the root's
        littleEndian32(image, l + 2, tree.root());
        bigEndian32(image, m + 2, tree.root());
        image[l + 6] = 1; // the root's parent is the root, directory number 1
        image[m + 7] = 1;
    }

    private static void directory(byte[] image, Tree tree, List<Entry> entries, int[] offsets, List<byte[]> contents,
            int[] fileSectors, byte[] shortDate) {
        int at = tree.root() * SECTOR;
        int length = tree.rootSectors() * SECTOR;
        record(image, at + offsets[0], SELF, tree.root(), length, true, shortDate);
        record(image, at + offsets[1], PARENT, tree.root(), length, true, shortDate);
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            record(image, at + offsets[i + 2], entry.identifier(), fileSectors[entry.file()],
                    contents.get(entry.file()).length, false, shortDate);
        }
    }

    private static void record(byte[] image, int at, byte[] identifier, int extent, int dataLength, boolean directory,
            byte[] shortDate) {
        image[at] = (byte) recordLength(identifier.length);
        both32(image, at + 2, extent);
        both32(image, at + 10, dataLength);
        System.arraycopy(shortDate, 0, image, at + 18, 7);
        image[at + 25] = (byte) (directory ? 2 : 0);
        both16(image, at + 28, 1); // volume sequence number
        image[at + 32] = (byte) identifier.length;
        System.arraycopy(identifier, 0, image, at + 33, identifier.length);
    }

    /** The 17-byte form: digits of the date, hundredths of a second, and the offset from UTC (0: it is UTC). */
    private static byte[] longDate(ZonedDateTime time) {
        String digits = String.format(Locale.ROOT, "%04d%02d%02d%02d%02d%02d%02d", time.getYear(),
                time.getMonthValue(), time.getDayOfMonth(), time.getHour(), time.getMinute(), time.getSecond(),
                time.getNano() / 10_000_000);
        byte[] date = new byte[17];
        System.arraycopy(digits.getBytes(StandardCharsets.US_ASCII), 0, date, 0, 16);
        return date;
    }

    /** The 7-byte form of directory records: years since 1900, month, day, hour, minute, second, offset from UTC. */
    private static byte[] shortDate(ZonedDateTime time) {
        return new byte[] {(byte) (time.getYear() - 1900), (byte) time.getMonthValue(), (byte) time.getDayOfMonth(),
                (byte) time.getHour(), (byte) time.getMinute(), (byte) time.getSecond(), 0};
    }

    /** ECMA-119's both-byte orders: little-endian, then the same number big-endian. */
    private static void both16(byte[] image, int at, int value) {
        image[at] = (byte) value;
        image[at + 1] = (byte) (value >>> 8);
        image[at + 2] = (byte) (value >>> 8);
        image[at + 3] = (byte) value;
    }

    private static void both32(byte[] image, int at, int value) {
        littleEndian32(image, at, value);
        bigEndian32(image, at + 4, value);
    }

    private static void littleEndian32(byte[] image, int at, int value) {
        for (int i = 0; i < 4; i++) {
            image[at + i] = (byte) (value >>> (8 * i));
        }
    }

    private static void bigEndian32(byte[] image, int at, int value) {
        for (int i = 0; i < 4; i++) {
            image[at + 3 - i] = (byte) (value >>> (8 * i));
        }
    }
}

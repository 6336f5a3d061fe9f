package io.virtdeck.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import io.virtdeck.core.VirtdeckException;

/**
 * An OVA: a tar archive of an OVF descriptor and the disk images it names. Members are unpacked by their plain file
 * names only (no directories, links or "..", nothing outside the target directory); the OVF is read with a parser that
 * refuses DTDs and external entities.
 */
final class Ova {

    private static final String OVF = "http://schemas.dmtf.org/ovf/envelope/1";
    private static final String RASD =
            "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData";
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final int BLOCK = 512;
    private static final int COPY_BUFFER = 256 * 1024;
    private static final byte[] ZEROS = new byte[COPY_BUFFER];
    private static final int RESOURCE_CPU = 3;
    private static final int RESOURCE_MEMORY = 4;

    private Ova() {
    }

    /** What the OVF describes: the guest's name, CPUs and memory, and its disks' files in order. */
    record Descriptor(String name, int cpus, long memoryMiB, List<String> diskFiles) {
    }

    /** True when the file is a tar archive (ustar, as OVA requires; GNU and PAX archives are ustar's kin). */
    static boolean isOva(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] header = in.readNBytes(BLOCK);
            return header.length == BLOCK && new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        }
    }

    /**
     * Unpacks the archive's regular files into {@code directory}, by plain name; returns their paths by name. Read
     * with Commons Compress's tar reader, so sizes of 8 GiB and more (GNU base-256 numbers, PAX {@code size}
     * records) and sparse members are read as tar tools write them. The archive is streamed from disk through a
     * fixed buffer, a member at a time, never held in memory.
     */
    static Map<String, Path> unpack(Path ova, Path directory) throws IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(ova))) {
            TarArchiveEntry entry;
            while ((entry = next(tar)) != null) {
                String name = entry.getName();
                if (!regularFile(entry) || !PLAIN_NAME.matcher(name).matches() || files.containsKey(name)) {
                    continue; // directories, links, paths, devices: not ours to write (the reader skips their bytes)
                }
                if (!tar.canReadEntryData(entry)) {
                    throw unreadable("its member '" + name + "' is stored in a form Virtdeck cannot read");
                }
                Path target = directory.resolve(name);
                copy(tar, target, entry.isSparse() ? entry.getRealSize() : entry.getSize(), name);
                files.put(name, target);
            }
            return files;
        }
    }

    /**
     * Plain files only, by their type flag: Commons Compress's {@code isFile()} is also true of links, devices and
     * FIFOs. An old-GNU sparse member is a plain file whose holes the reader fills in (a PAX sparse one keeps '0').
     */
    private static boolean regularFile(TarArchiveEntry entry) {
        byte flag = entry.getLinkFlag();
        return flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM
                || flag == TarConstants.LF_GNUTYPE_SPARSE;
    }

    /** The next member; a header the reader cannot parse makes the OVA invalid (400), as a short archive does. */
    private static TarArchiveEntry next(TarArchiveInputStream tar) {
        try {
            return tar.getNextEntry();
        } catch (IOException e) {
            // Commons Compress 1.28.0 reads a sparse member's real size as an int (PAX) or in octal only (old GNU)
            throw unreadable("its tar headers cannot be read (" + e.getMessage() + "); big disks stored sparse"
                    + " (tar --sparse) are among what Virtdeck cannot read: pack them without --sparse");
        }
    }

    /** Reads the OVF descriptor: refused (400, field {@code image}) when it is not one Virtdeck understands. */
    static Descriptor read(Path ovf) throws IOException {
        Element envelope = parse(ovf).getDocumentElement();
        Map<String, String> hrefs = new LinkedHashMap<>();
        for (Element file : elements(envelope, OVF, "File")) {
            hrefs.put(file.getAttributeNS(OVF, "id"), file.getAttributeNS(OVF, "href"));
        }
        List<String> disks = new ArrayList<>();
        for (Element disk : elements(envelope, OVF, "Disk")) {
            String href = hrefs.get(disk.getAttributeNS(OVF, "fileRef"));
            if (href == null || !PLAIN_NAME.matcher(href).matches()) {
                throw invalid("disk " + disk.getAttributeNS(OVF, "diskId") + " names no file of the archive");
            }
            disks.add(href);
        }
        Element system = elements(envelope, OVF, "VirtualSystem").stream().findFirst()
                .orElseThrow(() -> invalid("it describes no VirtualSystem"));
        String name = text(system, OVF, "Name");
        if (name == null) {
            name = system.getAttributeNS(OVF, "id");
        }
        int cpus = 0;
        long memoryMiB = 0;
        for (Element item : elements(system, OVF, "Item")) {
            String resourceType = text(item, RASD, "ResourceType");
            int type = resourceType == null || !resourceType.matches("\\d{1,4}") ? -1 : Integer.parseInt(resourceType);
            String quantity = text(item, RASD, "VirtualQuantity");
            if (quantity == null || !quantity.matches("\\d{1,12}")) {
                continue;
            }
            if (type == RESOURCE_CPU) {
                cpus = (int) Math.min(Long.parseLong(quantity), Integer.MAX_VALUE);
            } else if (type == RESOURCE_MEMORY) {
                memoryMiB = mib(Long.parseLong(quantity), text(item, RASD, "AllocationUnits"));
            }
        }
        if (cpus < 1 || memoryMiB < 1 || disks.isEmpty()) {
            throw invalid("it gives no CPUs, memory or disks");
        }
        return new Descriptor(name, cpus, memoryMiB, List.copyOf(disks));
    }

    /** OVF memory units: "byte * 2^20" (MiB, the usual), "MegaBytes", "GigaBytes", "byte * 2^30", ... */
    private static long mib(long quantity, String units) {
        String unit = units == null ? "byte * 2^20" : units.replace(" ", "").toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "byte*2^20", "megabytes", "mb" -> quantity;
            case "byte*2^30", "gigabytes", "gb" -> quantity * 1024;
            case "byte*2^10", "kilobytes", "kb" -> quantity / 1024;
            case "byte", "bytes" -> quantity / (1024 * 1024);
            default -> throw invalid("its memory unit '" + units + "' is unknown");
        };
    }

    private static Document parse(Path ovf) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            DocumentBuilder builder = factory.newDocumentBuilder();
            try (InputStream in = Files.newInputStream(ovf)) {
                return builder.parse(in);
            }
        } catch (SAXException e) {
            throw invalid("it is not XML Virtdeck reads (" + e.getMessage() + ")");
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Element> elements(Element parent, String namespace, String name) {
        NodeList nodes = parent.getElementsByTagNameNS(namespace, name);
        List<Element> found = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            found.add((Element) nodes.item(i));
        }
        return found;
    }

    private static String text(Element parent, String namespace, String name) {
        return elements(parent, namespace, name).stream().findFirst().map(e -> e.getTextContent().trim())
                .orElse(null);
    }

    private static VirtdeckException invalid(String why) {
        return VirtdeckException.invalid("image", "The OVA's descriptor cannot be imported: " + why + ".");
    }

    private static VirtdeckException unreadable(String why) {
        return VirtdeckException.invalid("image", "The OVA cannot be imported: " + why + ".");
    }

    /**
     * Copies the member being read into a new file. Runs of zeros become holes: a raw disk in an OVA is mostly zeros,
     * and its copy then takes only the room its data needs, as the sparse file it was made from did.
     */
    private static void copy(TarArchiveInputStream tar, Path target, long size, String name) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER];
        long copied = 0;
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                int read = readChunk(tar, buffer, name);
                if (read <= 0) {
                    break;
                }
                if (Arrays.mismatch(buffer, 0, read, ZEROS, 0, read) < 0) {
                    out.position(out.position() + read);
                } else {
                    ByteBuffer data = ByteBuffer.wrap(buffer, 0, read);
                    while (data.hasRemaining()) {
                        out.write(data);
                    }
                }
                copied += read;
            }
            if (copied != size) {
                throw unreadable("the archive ends inside '" + name + "'");
            }
            if (out.size() < copied) {
                out.write(ByteBuffer.allocate(1), copied - 1); // a trailing hole: the file still gets its length
            }
        }
    }

    /** Up to a buffer of the member (short only at its end); a truncated or damaged archive is invalid (400). */
    private static int readChunk(TarArchiveInputStream tar, byte[] buffer, String name) {
        try {
            return tar.readNBytes(buffer, 0, buffer.length);
        } catch (IOException e) {
            throw unreadable("'" + name + "' cannot be read to its end (" + e.getMessage() + ")");
        }
    }
}

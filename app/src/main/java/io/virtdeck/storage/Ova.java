package io.virtdeck.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

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
    private static final int RESOURCE_CPU = 3;
    private static final int RESOURCE_MEMORY = 4;

    private Ova() {
    }

    /** What the OVF describes: the guest's name, CPUs and memory, and its disks' files in order. */
    record Descriptor(String name, int cpus, long memoryMiB, List<String> diskFiles) {
    }

    /** True when the file is a tar archive (ustar, as OVA requires). */
    static boolean isOva(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] header = in.readNBytes(BLOCK);
            return header.length == BLOCK && new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        }
    }

    /** Unpacks the archive's regular files into {@code directory}, by plain name; returns their paths by name. */
    static Map<String, Path> unpack(Path ova, Path directory) throws IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(ova)) {
            while (true) {
                byte[] header = in.readNBytes(BLOCK);
                if (header.length < BLOCK || header[0] == 0) {
                    return files; // the end: a zero block
                }
                String name = field(header, 0, 100);
                String octalSize = field(header, 124, 12).trim();
                if (!octalSize.matches("[0-7]{1,11}")) {
                    throw invalid("its tar header for '" + name + "' holds no size");
                }
                long size = Long.parseLong(octalSize, 8);
                char type = (char) header[156];
                long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
                if ((type == '0' || type == 0) && PLAIN_NAME.matcher(name).matches() && !files.containsKey(name)) {
                    Path target = directory.resolve(name);
                    try (OutputStream out = Files.newOutputStream(target)) {
                        copy(in, out, size);
                    }
                    files.put(name, target);
                    skip(in, padded - size);
                } else {
                    skip(in, padded); // directories, links, paths, PAX headers: not ours to write
                }
            }
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

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }

    private static void copy(InputStream in, OutputStream out, long size) throws IOException {
        byte[] buffer = new byte[256 * 1024];
        long left = size;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw invalid("the archive ends inside a file");
            }
            out.write(buffer, 0, read);
            left -= read;
        }
    }

    private static void skip(InputStream in, long bytes) throws IOException {
        try {
            in.skipNBytes(bytes);
        } catch (java.io.EOFException e) {
            throw invalid("the archive ends inside a file");
        }
    }
}

package io.virtdeck.hypervisor.testdriver;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Result;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Disk;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.DiskDevice;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Guest;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Network;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.NetworkMode;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Nic;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Pool;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Volume;

/**
 * Writes a {@link SimulatedHostSpec} as a libvirt test-driver host file, to be opened as
 * {@code test:///<absolute path>}. The document is built with DOM and serialized by a {@link Transformer}, so every
 * name and path is escaped by the XML library; text that XML 1.0 cannot carry at all (control characters, lone
 * surrogates) is refused with {@link IllegalArgumentException}.
 *
 * <p>The format, as libvirt 9.0's test driver (src/test/test_driver.c) reads it:
 * <ul>
 * <li>{@code /node/cpu/{nodes,sockets,cores,threads}}: node info CPUs = their product, capped by
 * {@code /node/cpu/active}; {@code mhz}; {@code model} (at most 31 bytes). {@code /node/memory} in KiB.</li>
 * <li>{@code /node/domain}: ordinary domain XML ({@code type='test'}) plus, in namespace
 * {@value #TEST_NAMESPACE}, {@code <test:runstate>} holding a virDomainState number (1 running, 3 paused,
 * 5 shut off; missing means running). Every domain in the file is persistent.</li>
 * <li>{@code /node/network}: ordinary network XML; all are active when opened.</li>
 * <li>{@code /node/pool}: ordinary pool XML, active when opened, with ordinary volume XML as {@code <volume>}
 * children. A volume without {@code <target><path>} gets {@code <pool path>/<name>}; its key is its path. The
 * pool's capacity is fixed at 100 GiB and its allocation is the sum of its volumes'.</li>
 * </ul>
 */
public final class TestDriverHostWriter {

    /** Namespace of the test driver's domain extensions ({@code runstate}, {@code transient}, ...). */
    public static final String TEST_NAMESPACE = "http://libvirt.org/schemas/domain/test/1.0";

    private static final String TEST_PREFIX = "test";

    /**
     * Written by hand (a constant) because the JDK's serializer puts the root element on the declaration's line
     * when it writes the declaration itself.
     */
    private static final String XML_DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    /** Writes the host file, replacing any existing file in one move so a reader never sees half a file. */
    public Path write(SimulatedHostSpec host, Path file) throws IOException {
        Document document = toDocument(host);
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            readableByAll(temp);
            try (OutputStream out = Files.newOutputStream(temp)) {
                out.write(XML_DECLARATION.getBytes(StandardCharsets.UTF_8));
                serialize(document, new StreamResult(out));
            }
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }

    /** Temp files start as 0600; a host file is no secret and may be read by a libvirtd running as someone else. */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep its defaults
        }
    }

    /** The host file's text. */
    public String toXml(SimulatedHostSpec host) {
        StringWriter out = new StringWriter();
        out.write(XML_DECLARATION);
        serialize(toDocument(host), new StreamResult(out));
        return out.toString();
    }

    /** The host file as a DOM document. */
    public Document toDocument(SimulatedHostSpec host) {
        Document doc = newDocument();
        Element node = doc.createElementNS(null, "node");
        doc.appendChild(node);

        Element cpu = child(node, "cpu");
        text(cpu, "mhz", host.cpu().mhz());
        text(cpu, "model", host.cpu().model());
        text(cpu, "active", host.cpu().logicalCpus());
        text(cpu, "nodes", host.cpu().numaNodes());
        text(cpu, "sockets", host.cpu().socketsPerNode());
        text(cpu, "cores", host.cpu().coresPerSocket());
        text(cpu, "threads", host.cpu().threadsPerCore());
        text(node, "memory", host.memoryMiB() * 1024);

        for (Guest guest : host.guests()) {
            node.appendChild(domain(doc, host, guest));
        }
        for (Network network : host.networks()) {
            node.appendChild(network(doc, network));
        }
        for (Pool pool : host.pools()) {
            node.appendChild(pool(doc, pool));
        }
        return doc;
    }

    private static Element domain(Document doc, SimulatedHostSpec host, Guest guest) {
        Element domain = doc.createElementNS(null, "domain");
        domain.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, XMLConstants.XMLNS_ATTRIBUTE + ":" + TEST_PREFIX,
                TEST_NAMESPACE);
        attr(domain, "type", "test");
        text(domain, "name", guest.name());
        text(domain, "uuid", guest.uuid().toString());
        attr(text(domain, "memory", guest.memoryMiB() * 1024), "unit", "KiB");
        attr(text(domain, "currentMemory", guest.memoryMiB() * 1024), "unit", "KiB");
        text(domain, "vcpu", guest.vcpus());
        text(child(domain, "os"), "type", "hvm");

        Element devices = child(domain, "devices");
        for (Disk disk : guest.disks()) {
            Pool pool = host.pool(disk.pool());
            boolean cdrom = disk.device() == DiskDevice.CDROM;
            Element d = child(devices, "disk");
            attr(d, "type", "file");
            attr(d, "device", cdrom ? "cdrom" : "disk");
            Element driver = child(d, "driver");
            attr(driver, "name", "qemu");
            attr(driver, "type", disk.format().libvirtName());
            attr(child(d, "source"), "file", pool.volumePath(disk.volume()));
            Element target = child(d, "target");
            attr(target, "dev", disk.targetDev());
            attr(target, "bus", cdrom ? "sata" : "virtio");
            if (cdrom) {
                child(d, "readonly");
            }
        }
        for (Nic nic : guest.nics()) {
            Element iface = child(devices, "interface");
            attr(iface, "type", "network");
            attr(child(iface, "mac"), "address", nic.mac());
            attr(child(iface, "source"), "network", nic.network());
            attr(child(iface, "model"), "type", "virtio");
        }
        if (guest.vncGraphics()) {
            Element graphics = child(devices, "graphics");
            attr(graphics, "type", "vnc");
            attr(graphics, "port", "-1");
            attr(graphics, "autoport", "yes");
            attr(graphics, "listen", "127.0.0.1");
        }

        Element runstate = doc.createElementNS(TEST_NAMESPACE, TEST_PREFIX + ":runstate");
        runstate.setTextContent(Integer.toString(guest.state().libvirtCode()));
        domain.appendChild(runstate);
        return domain;
    }

    private static Element network(Document doc, Network network) {
        Element net = doc.createElementNS(null, "network");
        text(net, "name", network.name());
        text(net, "uuid", network.uuid().toString());
        if (network.mode() == NetworkMode.NAT) {
            attr(child(net, "forward"), "mode", "nat");
        }
        Element bridge = child(net, "bridge");
        attr(bridge, "name", network.bridge());
        attr(bridge, "stp", "on");
        attr(bridge, "delay", "0");
        Element ip = child(net, "ip");
        attr(ip, "address", network.ipv4Address());
        attr(ip, "prefix", Integer.toString(network.prefix()));
        Element range = child(child(ip, "dhcp"), "range");
        attr(range, "start", network.dhcpStart());
        attr(range, "end", network.dhcpEnd());
        return net;
    }

    private static Element pool(Document doc, Pool pool) {
        Element p = doc.createElementNS(null, "pool");
        attr(p, "type", "dir");
        text(p, "name", pool.name());
        text(p, "uuid", pool.uuid().toString());
        text(child(p, "target"), "path", pool.path());
        for (Volume volume : pool.volumes()) {
            Element v = child(p, "volume");
            attr(v, "type", "file");
            text(v, "name", volume.name());
            attr(text(v, "capacity", volume.capacityMiB()), "unit", "MiB");
            attr(text(v, "allocation", volume.allocationMiB()), "unit", "MiB");
            Element target = child(v, "target");
            text(target, "path", pool.volumePath(volume.name()));
            attr(child(target, "format"), "type", volume.format().libvirtName());
        }
        return p;
    }

    private static Element child(Element parent, String name) {
        Element element = parent.getOwnerDocument().createElementNS(null, name);
        parent.appendChild(element);
        return element;
    }

    private static Element text(Element parent, String name, long value) {
        return text(parent, name, Long.toString(value));
    }

    private static Element text(Element parent, String name, String value) {
        Element element = child(parent, name);
        element.setTextContent(xmlSafe(value, name));
        return element;
    }

    private static Element attr(Element element, String name, String value) {
        element.setAttributeNS(null, name, xmlSafe(value, element.getTagName() + "/@" + name));
        return element;
    }

    /**
     * XML 1.0 can escape every character it allows, but some it cannot carry at all: refuse those rather than write
     * a file libvirt will not open (or will read back differently).
     */
    static String xmlSafe(String value, String where) {
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            boolean allowed = cp == 0x9 || cp == 0xA || cp == 0xD
                    || (cp >= 0x20 && cp <= 0xD7FF)
                    || (cp >= 0xE000 && cp <= 0xFFFD)
                    || (cp >= 0x10000 && cp <= 0x10FFFF);
            if (!allowed) { // a lone surrogate comes back as itself, outside every range
                throw new IllegalArgumentException(String.format(
                        "%s contains U+%04X, which an XML document cannot hold", where, cp));
            }
            i += Character.charCount(cp);
        }
        return value;
    }

    private static Document newDocument() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Document doc = factory.newDocumentBuilder().newDocument();
            doc.setXmlStandalone(true);
            return doc;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no DOM implementation", e);
        }
    }

    private static void serialize(Document document, Result result) {
        try {
            TransformerFactory factory = TransformerFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
            Transformer transformer = factory.newTransformer();
            transformer.setOutputProperty(OutputKeys.METHOD, "xml");
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            transformer.setOutputProperty(OutputKeys.INDENT, "yes");
            transformer.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
            transformer.transform(new DOMSource(document), result);
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot serialize test-driver host XML: " + e.getMessage(), e);
        }
    }
}

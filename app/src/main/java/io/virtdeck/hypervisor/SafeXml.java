package io.virtdeck.hypervisor;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerConfigurationException;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import io.virtdeck.core.HypervisorException;

/** DOM helpers for libvirt XML: parsing with DTDs and external entities off, and null-safe child lookups. */
final class SafeXml {

    /*
     * The factories are made once, as the JDK's own (newDefaultInstance): newInstance() looks for another
     * implementation through the class path's jars on every call, and the guest agent's poll parsed a domain's XML per
     * running guest, so that lookup took most of Virtdeck's CPU at 1,000 hosts. Builders and transformers are not
     * thread-safe: each thread keeps its own.
     */
    private static final DocumentBuilderFactory PARSING = parsingFactory();
    private static final DocumentBuilderFactory BUILDING = buildingFactory();
    private static final TransformerFactory WRITING = writingFactory();
    private static final ThreadLocal<DocumentBuilder> PARSER = ThreadLocal.withInitial(() -> builder(PARSING));
    private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(() -> builder(BUILDING));
    private static final ThreadLocal<Transformer> WRITER = ThreadLocal.withInitial(SafeXml::writer);

    private SafeXml() {
    }

    static Document parse(String xml) {
        DocumentBuilder parser = PARSER.get();
        try {
            return parser.parse(new InputSource(new StringReader(xml)));
        } catch (SAXException | IOException e) {
            throw new HypervisorException(HypervisorException.Kind.FAILED, "libvirt returned XML that cannot be read: "
                    + e.getMessage(), e);
        } finally {
            parser.reset();
        }
    }

    /** An empty document to build libvirt XML in: values set through the DOM are escaped by it, never spliced in. */
    static Document newDocument() {
        return BUILDER.get().newDocument();
    }

    private static DocumentBuilderFactory parsingFactory() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            factory.setNamespaceAware(true);
            return factory;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a secure setting: " + e.getMessage(), e);
        }
    }

    private static DocumentBuilderFactory buildingFactory() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            return factory;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a secure setting: " + e.getMessage(), e);
        }
    }

    private static TransformerFactory writingFactory() {
        try {
            TransformerFactory factory = TransformerFactory.newDefaultInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            return factory;
        } catch (TransformerConfigurationException e) {
            throw new IllegalStateException("the JDK's XML writer lacks a secure setting: " + e.getMessage(), e);
        }
    }

    private static DocumentBuilder builder(DocumentBuilderFactory factory) {
        synchronized (factory) { // a factory is not promised to be thread-safe
            try {
                return factory.newDocumentBuilder();
            } catch (ParserConfigurationException e) {
                throw new HypervisorException(HypervisorException.Kind.FAILED, "cannot read or build XML: "
                        + e.getMessage(), e);
            }
        }
    }

    private static Transformer writer() {
        synchronized (WRITING) {
            try {
                Transformer transformer = WRITING.newTransformer();
                transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
                return transformer;
            } catch (TransformerConfigurationException e) {
                throw new HypervisorException(HypervisorException.Kind.FAILED, "cannot write XML: " + e.getMessage(),
                        e);
            }
        }
    }

    /** Appends a child element to {@code parent}, with attributes given as name, value pairs (null values left out). */
    static Element append(Element parent, String name, String... attributes) {
        Element child = parent.getOwnerDocument().createElement(name);
        for (int i = 0; i + 1 < attributes.length; i += 2) {
            if (attributes[i + 1] != null) {
                child.setAttribute(attributes[i], attributes[i + 1]);
            }
        }
        parent.appendChild(child);
        return child;
    }

    /** Appends a child element holding text. */
    static Element appendText(Element parent, String name, String text, String... attributes) {
        Element child = append(parent, name, attributes);
        child.setTextContent(text);
        return child;
    }

    /** Direct children of {@code parent} with the given local name. */
    static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        if (parent == null) {
            return found;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(localName(e))) {
                found.add(e);
            }
        }
        return found;
    }

    /** Every direct child element of {@code parent}, in order; none for null. */
    static List<Element> allChildren(Element parent) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent == null ? null : parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                found.add(e);
            }
        }
        return found;
    }

    static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    /** Follows a path of child names, e.g. {@code path(root, "host", "cpu", "model")}; null when any step is missing. */
    static Element path(Element from, String... names) {
        Element current = from;
        for (String name : names) {
            current = child(current, name);
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    static String text(Element element) {
        return element == null ? null : element.getTextContent().trim();
    }

    static String attr(Element element, String name) {
        if (element == null || !element.hasAttribute(name)) {
            return null;
        }
        return element.getAttribute(name);
    }

    static int intOr(String value, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Takes an element out of its document; nothing happens for null. */
    static void remove(Element element) {
        if (element != null) {
            element.getParentNode().removeChild(element);
        }
    }

    /** Writes an element (and what it holds) back out as XML text, without an XML declaration. */
    static String toXml(Element element) {
        Transformer transformer = WRITER.get();
        try {
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(element), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new HypervisorException(HypervisorException.Kind.FAILED, "cannot write XML: " + e.getMessage(), e);
        } finally {
            transformer.reset();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        }
    }

    private static String localName(Element e) {
        return e.getLocalName() != null ? e.getLocalName() : e.getTagName();
    }
}

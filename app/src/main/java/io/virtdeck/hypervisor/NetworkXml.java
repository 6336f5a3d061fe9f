package io.virtdeck.hypervisor;

import java.util.ArrayList;
import java.util.List;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import static io.virtdeck.hypervisor.SafeXml.append;
import static io.virtdeck.hypervisor.SafeXml.appendText;
import static io.virtdeck.hypervisor.SafeXml.attr;
import static io.virtdeck.hypervisor.SafeXml.child;
import static io.virtdeck.hypervisor.SafeXml.children;
import static io.virtdeck.hypervisor.SafeXml.text;

/**
 * libvirt's network XML for the five kinds Virtdeck makes: NAT and routed (libvirt's bridge with an address, DHCP),
 * isolated (no forward), a host bridge, and an Open vSwitch bridge.
 */
final class NetworkXml {

    private NetworkXml() {
    }

    static String write(NetworkFacts network) {
        Document doc = SafeXml.newDocument();
        Element root = doc.createElement("network");
        doc.appendChild(root);
        appendText(root, "name", network.name());
        switch (network.mode()) {
            case "nat", "routed" -> append(root, "forward", "mode", "nat".equals(network.mode()) ? "nat" : "route");
            case "bridge", "openvswitch" -> append(root, "forward", "mode", "bridge");
            default -> { } // isolated: no way out
        }
        if (network.bridge() != null) {
            Element bridge = append(root, "bridge", "name", network.bridge());
            if (List.of("nat", "routed", "isolated").contains(network.mode())) {
                bridge.setAttribute("stp", "on");
                bridge.setAttribute("delay", "0");
            }
        }
        if ("openvswitch".equals(network.mode())) {
            append(root, "virtualport", "type", "openvswitch");
        }
        ip(root, network.ipv4(), "ipv4");
        ip(root, network.ipv6(), "ipv6");
        return SafeXml.toXml(root);
    }

    static NetworkFacts read(String xml, boolean active, boolean autostart) {
        Element root = SafeXml.parse(xml).getDocumentElement();
        String forward = attr(child(root, "forward"), "mode");
        boolean ovs = "openvswitch".equals(attr(child(root, "virtualport"), "type"));
        String mode = forward == null ? "isolated" : switch (forward) {
            case "nat" -> "nat";
            case "route" -> "routed";
            case "bridge" -> ovs ? "openvswitch" : "bridge";
            default -> forward;
        };
        NetworkFacts.IpRange ipv4 = null;
        NetworkFacts.IpRange ipv6 = null;
        for (Element ip : children(root, "ip")) {
            Element dhcp = child(ip, "dhcp");
            Element range = child(dhcp, "range");
            String prefix = attr(ip, "prefix");
            List<NetworkFacts.DhcpHost> hosts = new ArrayList<>();
            for (Element host : children(dhcp, "host")) {
                hosts.add(new NetworkFacts.DhcpHost(attr(host, "mac"), attr(host, "ip"), attr(host, "name")));
            }
            NetworkFacts.IpRange parsed = new NetworkFacts.IpRange(attr(ip, "address"),
                    prefix != null ? Integer.parseInt(prefix) : prefixOf(attr(ip, "netmask")),
                    attr(range, "start"), attr(range, "end"), hosts);
            if ("ipv6".equals(attr(ip, "family"))) {
                ipv6 = parsed;
            } else {
                ipv4 = parsed;
            }
        }
        return new NetworkFacts(text(child(root, "name")), mode, attr(child(root, "bridge"), "name"), active,
                autostart, ipv4, ipv6);
    }

    private static void ip(Element root, NetworkFacts.IpRange range, String family) {
        if (range == null) {
            return;
        }
        Element ip = append(root, "ip", "family", family, "address", range.address(), "prefix",
                Integer.toString(range.prefix()));
        if (range.dhcpStart() == null && range.hosts().isEmpty()) {
            return;
        }
        Element dhcp = append(ip, "dhcp");
        if (range.dhcpStart() != null) {
            append(dhcp, "range", "start", range.dhcpStart(), "end", range.dhcpEnd());
        }
        for (NetworkFacts.DhcpHost host : range.hosts()) {
            dhcp.appendChild(dhcpHostElement(dhcp.getOwnerDocument(), host));
        }
    }

    /** {@code <host mac ip name?/>}: what virNetworkUpdate takes for a static DHCP entry (to add or to delete). */
    static String dhcpHost(NetworkFacts.DhcpHost host) {
        Document doc = SafeXml.newDocument();
        Element element = dhcpHostElement(doc, host);
        doc.appendChild(element);
        return SafeXml.toXml(element);
    }

    private static Element dhcpHostElement(Document doc, NetworkFacts.DhcpHost host) {
        Element element = doc.createElement("host");
        element.setAttribute("mac", host.mac());
        if (host.name() != null) {
            element.setAttribute("name", host.name());
        }
        element.setAttribute("ip", host.ip());
        return element;
    }

    /** 255.255.255.0 -> 24. */
    private static int prefixOf(String netmask) {
        if (netmask == null) {
            return 0;
        }
        int bits = 0;
        for (String part : netmask.split("\\.")) {
            bits += Integer.bitCount(Integer.parseInt(part));
        }
        return bits;
    }
}

package io.virtdeck.network;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.NetworkFacts;

/** Turns a request into a network libvirt will take, or a 400 naming the field at fault. */
final class NetworkChecks {

    static final Set<String> MODES = Set.of("nat", "isolated", "routed", "bridge", "openvswitch");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");
    /** Linux interface names: at most 15 characters. */
    private static final Pattern BRIDGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,14}");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    /** A DNS label: what dnsmasq takes as a host's name. */
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]{2,39}");

    private NetworkChecks() {
    }

    static NetworkFacts toNetwork(NetworkRequest request) {
        if (request.name() == null || !NAME.matcher(request.name()).matches()) {
            throw VirtdeckException.invalid("name", "name must start with a letter or digit and hold up to 32 letters,"
                    + " digits, dots, dashes and underscores.");
        }
        if (request.mode() == null || !MODES.contains(request.mode())) {
            throw VirtdeckException.invalid("mode", "mode is one of nat, isolated, routed, bridge or openvswitch.");
        }
        boolean hostBridge = request.mode().equals("bridge") || request.mode().equals("openvswitch");
        if (request.bridge() != null && !BRIDGE.matcher(request.bridge()).matches()) {
            throw VirtdeckException.invalid("bridge", "bridge is a host interface name of up to 15 characters.");
        }
        if (hostBridge && request.bridge() == null) {
            throw VirtdeckException.invalid("bridge", "A " + request.mode() + " network joins a bridge that exists on"
                    + " the host: name it in bridge.");
        }
        if (hostBridge && (request.ipv4() != null || request.ipv6() != null)) {
            throw VirtdeckException.invalid(request.ipv4() != null ? "ipv4" : "ipv6", "A " + request.mode()
                    + " network takes its addresses from the host's own network, not from libvirt.");
        }
        if ((request.mode().equals("nat") || request.mode().equals("routed")) && request.ipv4() == null) {
            throw VirtdeckException.invalid("ipv4", "A " + request.mode() + " network needs an IPv4 address and prefix"
                    + " for the host's side, e.g. 192.168.150.1/24.");
        }
        return new NetworkFacts(request.name(), request.mode(), request.bridge(), true, true, ipv4(request.ipv4()),
                ipv6(request.ipv6()));
    }

    private static NetworkFacts.IpRange ipv4(NetworkRequest.Ipv4 ip) {
        if (ip == null) {
            return null;
        }
        long address = ipv4("ipv4.address", ip.address());
        if (ip.prefix() == null || ip.prefix() < 8 || ip.prefix() > 30) {
            throw VirtdeckException.invalid("ipv4.prefix", "ipv4.prefix must be between 8 and 30.");
        }
        if ((ip.dhcpStart() == null) != (ip.dhcpEnd() == null)) {
            throw VirtdeckException.invalid(ip.dhcpStart() == null ? "ipv4.dhcpStart" : "ipv4.dhcpEnd",
                    "A DHCP range needs both its first and its last address.");
        }
        if (ip.dhcpStart() != null) {
            long mask = -1L << (32 - ip.prefix()) & 0xffffffffL;
            long start = ipv4("ipv4.dhcpStart", ip.dhcpStart());
            long end = ipv4("ipv4.dhcpEnd", ip.dhcpEnd());
            if ((start & mask) != (address & mask) || (end & mask) != (address & mask)) {
                throw VirtdeckException.invalid("ipv4.dhcpStart", "The DHCP range must lie in " + ip.address() + "/"
                        + ip.prefix() + ".");
            }
            if (start > end || address >= start && address <= end) {
                throw VirtdeckException.invalid("ipv4.dhcpEnd", "The DHCP range must run upwards and leave out the"
                        + " host's own address " + ip.address() + ".");
            }
        }
        NetworkFacts.IpRange range = new NetworkFacts.IpRange(ip.address(), ip.prefix(), ip.dhcpStart(),
                ip.dhcpEnd());
        List<NetworkFacts.DhcpHost> hosts = new ArrayList<>();
        for (int i = 0; i < ip.hosts().size(); i++) {
            String field = "ipv4.hosts[" + i + "].";
            NetworkFacts.DhcpHost host = dhcpHost(field, ip.hosts().get(i), range);
            clash(host, hosts).ifPresent(part -> {
                throw VirtdeckException.invalid(field + part, "Two static DHCP entries have the same "
                        + switch (part) {
                            case "mac" -> "MAC address";
                            case "ip" -> "address";
                            default -> "name";
                        } + ".");
            });
            hosts.add(host);
        }
        return new NetworkFacts.IpRange(ip.address(), ip.prefix(), ip.dhcpStart(), ip.dhcpEnd(), hosts);
    }

    /**
     * A static DHCP entry checked against its network's IPv4 range, its MAC address in lower case; or 400 naming
     * {@code field} + mac, ip or name. dnsmasq hands a static address out even inside the dynamic range (it never
     * leases it to another NIC), so that is allowed.
     */
    static NetworkFacts.DhcpHost dhcpHost(String field, NetworkFacts.DhcpHost host, NetworkFacts.IpRange network) {
        if (host == null) {
            throw VirtdeckException.invalid(field + "mac", "A static DHCP entry needs mac and ip.");
        }
        String mac = MacAddresses.check(field + "mac", host.mac());
        long ip = ipv4(field + "ip", host.ip());
        long address = ipv4("ipv4.address", network.address());
        long hostBits = (1L << (32 - network.prefix())) - 1;
        if ((ip & ~hostBits) != (address & ~hostBits)) {
            throw VirtdeckException.invalid(field + "ip", field + "ip must lie in the network's " + network.address()
                    + "/" + network.prefix() + ".");
        }
        if ((ip & hostBits) == 0 || (ip & hostBits) == hostBits) {
            throw VirtdeckException.invalid(field + "ip", host.ip() + " is the subnet's own "
                    + ((ip & hostBits) == 0 ? "network" : "broadcast") + " address, no NIC's.");
        }
        if (ip == address) {
            throw VirtdeckException.invalid(field + "ip", host.ip() + " is the host's own address on the network.");
        }
        if (host.name() != null && !HOSTNAME.matcher(host.name()).matches()) {
            throw VirtdeckException.invalid(field + "name", field + "name is a host name: letters, digits and"
                    + " dashes, up to 63, not starting or ending with a dash.");
        }
        return new NetworkFacts.DhcpHost(mac, host.ip(), host.name());
    }

    /** Whether two IPv4 subnets share an address (the shorter prefix decides which addresses are compared). */
    static boolean overlap(NetworkFacts.IpRange a, NetworkFacts.IpRange b) {
        int prefix = Math.min(a.prefix(), b.prefix());
        long mask = -1L << (32 - prefix) & 0xffffffffL;
        return (ipv4("ipv4.address", a.address()) & mask) == (ipv4("ipv4.address", b.address()) & mask);
    }

    /** Which part of {@code host} (mac, ip, name) another entry has already, if any. */
    static Optional<String> clash(NetworkFacts.DhcpHost host, List<NetworkFacts.DhcpHost> others) {
        for (NetworkFacts.DhcpHost other : others) {
            if (host.mac().equalsIgnoreCase(other.mac())) {
                return Optional.of("mac");
            }
            if (host.ip().equals(other.ip())) {
                return Optional.of("ip");
            }
            if (host.name() != null && host.name().equalsIgnoreCase(other.name())) {
                return Optional.of("name");
            }
        }
        return Optional.empty();
    }

    private static NetworkFacts.IpRange ipv6(NetworkRequest.Ipv6 ip) {
        if (ip == null) {
            return null;
        }
        if (ip.address() == null || !IPV6.matcher(ip.address()).matches() || !ip.address().contains(":")) {
            throw VirtdeckException.invalid("ipv6.address", "ipv6.address is an IPv6 address such as fd00:150::1.");
        }
        try {
            InetAddress.getByName(ip.address()); // a literal: no name lookup happens for it
        } catch (UnknownHostException e) {
            throw VirtdeckException.invalid("ipv6.address", "'" + ip.address() + "' is not an IPv6 address.");
        }
        if (ip.prefix() == null || ip.prefix() < 8 || ip.prefix() > 128) {
            throw VirtdeckException.invalid("ipv6.prefix", "ipv6.prefix must be between 8 and 128 (64 is usual).");
        }
        return new NetworkFacts.IpRange(ip.address(), ip.prefix(), null, null);
    }

    /** A dotted-quad address as a number, or 400 naming the field. */
    private static long ipv4(String field, String text) {
        java.util.regex.Matcher parts = text == null ? null : IPV4.matcher(text);
        if (parts == null || !parts.matches()) {
            throw VirtdeckException.invalid(field, field + " is an IPv4 address such as 192.168.150.1.");
        }
        long value = 0;
        for (int i = 1; i <= 4; i++) {
            int part = Integer.parseInt(parts.group(i));
            if (part > 255) {
                throw VirtdeckException.invalid(field, "'" + text + "' is not an IPv4 address.");
            }
            value = value << 8 | part;
        }
        return value;
    }
}

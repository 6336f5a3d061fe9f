package io.virtdeck.hypervisor;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.libvirt.Domain;
import org.libvirt.DomainInterface;
import org.libvirt.LibvirtException;
import org.springframework.stereotype.Component;
import org.w3c.dom.Element;
import io.virtdeck.core.HypervisorException;

import static io.virtdeck.hypervisor.SafeXml.attr;
import static io.virtdeck.hypervisor.SafeXml.child;
import static io.virtdeck.hypervisor.SafeXml.children;

/** The libvirt-backed {@link GuestAgentGateway}. */
@Component
class LibvirtGuestAgent implements GuestAgentGateway {

    /** The virtio port qemu-guest-agent opens in the guest, as the domain XML names its channel. */
    static final String AGENT_CHANNEL = "org.qemu.guest_agent.0";
    /** Seconds the agent gets to say who it is; one that takes longer counts as not answering. */
    private static final int ANSWER_SECONDS = 2;
    /** virDomainGuestInfoTypes: OS, HOSTNAME, FILESYSTEM. */
    private static final int GUEST_INFO_TYPES = 2 | 8 | 16;
    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]*)\"");

    private final HostConnections connections;

    LibvirtGuestAgent(HostConnections connections) {
        this.connections = connections;
    }

    @Override
    public GuestAgentFacts read(long hostId, UUID uuid) {
        return connections.call(hostId, session -> session.domain(uuid, LibvirtGuestAgent::read));
    }

    @Override
    public Map<UUID, GuestAgentFacts> readRunning(long hostId) {
        Map<UUID, GuestAgentFacts> answers = new HashMap<>();
        // the list first, then each guest in a call of its own: a slow agent holds one call, not the whole host's
        List<UUID> connected = connections.call(hostId, session -> session.eachDomain(LibvirtFlags.LIST_ACTIVE,
                domain -> channelOf(domain.getXMLDesc(0)) == Channel.CONNECTED ? uuidOf(domain) : null));
        for (UUID uuid : connected) {
            try {
                answers.put(uuid, read(hostId, uuid));
            } catch (HypervisorException e) {
                if (e.kind() == HypervisorException.Kind.UNREACHABLE) {
                    throw e;
                }
                // gone or stopped since it was listed: the next round sees it as it is
            }
        }
        return answers;
    }

    @Override
    public void shutdown(long hostId, UUID uuid) {
        // no call timeout: libvirt may wait on the agent (a minute at most) once it has the request
        connections.callUntilDone(hostId, session -> session.domain(uuid, domain -> {
            LibvirtNative.shutdown(domain, LibvirtFlags.SHUTDOWN_GUEST_AGENT);
            return null;
        }));
    }

    @Override
    public Thaw thawFileSystems(long hostId, UUID uuid) {
        return connections.call(hostId, session -> session.domain(uuid, domain -> {
            if (domain.isActive() != 1) {
                return new Thaw(GuestAgentFacts.State.NOT_RUNNING, 0, null);
            }
            if (channelOf(domain.getXMLDesc(0)) == Channel.NONE) {
                return new Thaw(GuestAgentFacts.State.NOT_CONFIGURED, 0, null);
            }
            String silence = silence(domain);
            if (silence != null) {
                return new Thaw(GuestAgentFacts.State.NOT_ANSWERING, 0, silence);
            }
            try {
                return new Thaw(GuestAgentFacts.State.ANSWERING, LibvirtNative.thawFileSystems(domain), null);
            } catch (HypervisorException e) {
                return new Thaw(GuestAgentFacts.State.ANSWERING, 0, e.getMessage());
            }
        }));
    }

    /**
     * Why the running domain's agent cannot be asked now, or null when it said who it is within {@link #ANSWER_SECONDS}:
     * the question every call to the agent that libvirt would wait on starts with (freeze, thaw).
     */
    static String silence(Domain domain) throws LibvirtException {
        switch (channelOf(domain.getXMLDesc(0))) {
            case NONE:
                return "the guest has no guest agent channel";
            case DISCONNECTED:
                return "no guest agent has connected to the channel (not installed, not started, or still booting)";
            default:
                break;
        }
        try {
            domain.qemuAgentCommand("{\"execute\":\"guest-info\"}", ANSWER_SECONDS, 0);
            return null;
        } catch (LibvirtException e) {
            return LibvirtErrors.translate(e).getMessage();
        }
    }

    private static UUID uuidOf(Domain domain) throws LibvirtException {
        return UUID.fromString(domain.getUUIDString());
    }

    private static GuestAgentFacts read(Domain domain) throws LibvirtException {
        if (domain.isActive() != 1) {
            return channelOf(domain.getXMLDesc(0)) == Channel.NONE
                    ? GuestAgentFacts.without(GuestAgentFacts.State.NOT_CONFIGURED, null)
                    : GuestAgentFacts.without(GuestAgentFacts.State.NOT_RUNNING, null);
        }
        switch (channelOf(domain.getXMLDesc(0))) {
            case NONE:
                return GuestAgentFacts.without(GuestAgentFacts.State.NOT_CONFIGURED, null);
            case DISCONNECTED:
                // libvirt knows no agent has opened the port: asking would only wait
                return GuestAgentFacts.without(GuestAgentFacts.State.NOT_ANSWERING,
                        "no guest agent has connected to the channel (not installed, not started, or still booting)");
            default:
                break;
        }
        String version;
        try {
            version = versionIn(domain.qemuAgentCommand("{\"execute\":\"guest-info\"}", ANSWER_SECONDS, 0));
        } catch (LibvirtException e) {
            return GuestAgentFacts.without(GuestAgentFacts.State.NOT_ANSWERING, LibvirtErrors.translate(e).getMessage());
        }
        Instant answeredAt = Instant.now();
        Map<String, String> info;
        List<GuestAgentFacts.Nic> nics;
        try {
            info = LibvirtNative.guestInfo(domain, GUEST_INFO_TYPES);
            nics = nics(domain.interfaceAddresses(org.libvirt.Domain.InterfaceAddressesSource
                    .VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT, 0));
        } catch (LibvirtException e) {
            return GuestAgentFacts.without(GuestAgentFacts.State.NOT_ANSWERING, LibvirtErrors.translate(e).getMessage());
        } catch (HypervisorException e) {
            return GuestAgentFacts.without(GuestAgentFacts.State.NOT_ANSWERING, e.getMessage());
        }
        return new GuestAgentFacts(GuestAgentFacts.State.ANSWERING, version, info.get("hostname"),
                info.getOrDefault("os.pretty-name", info.get("os.name")), info.get("os.version"),
                info.get("os.kernel-release"), nics, fileSystems(info), answeredAt, null);
    }

    static String versionIn(String guestInfoReply) {
        Matcher matcher = VERSION.matcher(guestInfoReply == null ? "" : guestInfoReply);
        return matcher.find() ? matcher.group(1) : null;
    }

    private static List<GuestAgentFacts.Nic> nics(Iterable<DomainInterface> interfaces) {
        List<GuestAgentFacts.Nic> nics = new ArrayList<>();
        for (DomainInterface nic : interfaces) {
            if ("lo".equals(nic.name)) {
                continue;
            }
            List<GuestAgentFacts.Address> addresses = new ArrayList<>();
            if (nic.addrs != null) {
                for (DomainInterface.InterfaceAddress address : nic.addrs) {
                    boolean v6 = address.address instanceof Inet6Address;
                    addresses.add(new GuestAgentFacts.Address(text(address.address), address.prefixLength,
                            v6 ? "ipv6" : "ipv4"));
                }
            }
            // IPv4 first: the address a person looks for
            addresses.sort(Comparator.comparing(GuestAgentFacts.Address::family));
            nics.add(new GuestAgentFacts.Nic(nic.name, nic.hwAddr, addresses));
        }
        return nics;
    }

    /**
     * An address as people and {@code ip address} write it, so that a search for it finds it: IPv6 with its longest
     * run of zero groups as "::" (RFC 5952; Java writes every group, "fe80:0:0:0:5054:ff:fe66:1631") and without the
     * scope Java appends to a link-local one ("%2").
     */
    static String text(InetAddress address) {
        String text = address.getHostAddress();
        int scope = text.indexOf('%');
        if (scope >= 0) {
            text = text.substring(0, scope);
        }
        if (!(address instanceof Inet6Address)) {
            return text;
        }
        String[] groups = text.split(":");
        int bestStart = -1;
        int bestLength = 1; // a single zero group stays "0"
        for (int i = 0; i < groups.length; i++) {
            int length = 0;
            while (i + length < groups.length && groups[i + length].equals("0")) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
        }
        if (bestStart < 0) {
            return text;
        }
        return String.join(":", Arrays.copyOfRange(groups, 0, bestStart)) + "::"
                + String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
    }

    /** fs.count, then fs.N.mountpoint, fs.N.fstype, fs.N.name, fs.N.used-bytes and fs.N.total-bytes. */
    static List<GuestAgentFacts.FileSystem> fileSystems(Map<String, String> info) {
        int count = SafeXml.intOr(info.get("fs.count"), 0);
        List<GuestAgentFacts.FileSystem> fileSystems = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String prefix = "fs." + i + ".";
            fileSystems.add(new GuestAgentFacts.FileSystem(info.get(prefix + "mountpoint"), info.get(prefix + "fstype"),
                    info.get(prefix + "name"), longOrNull(info.get(prefix + "used-bytes")),
                    longOrNull(info.get(prefix + "total-bytes"))));
        }
        fileSystems.sort(Comparator.comparing(GuestAgentFacts.FileSystem::mountpoint,
                Comparator.nullsLast(Comparator.naturalOrder())));
        return fileSystems;
    }

    private static Long longOrNull(String value) {
        try {
            return value == null ? null : Long.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    enum Channel { NONE, DISCONNECTED, CONNECTED }

    /**
     * The agent channel in a domain's XML: none, or its state. A running domain's live XML says whether an agent has
     * the port open (state='connected'); without a state (an older libvirt, a shut-off domain) it counts as connected.
     */
    static Channel channelOf(String xml) {
        Element devices = child(SafeXml.parse(xml).getDocumentElement(), "devices");
        if (devices == null) {
            return Channel.NONE;
        }
        for (Element channel : children(devices, "channel")) {
            Element target = child(channel, "target");
            if (target != null && "virtio".equals(attr(target, "type")) && AGENT_CHANNEL.equals(attr(target, "name"))) {
                return "disconnected".equals(attr(target, "state")) ? Channel.DISCONNECTED : Channel.CONNECTED;
            }
        }
        return Channel.NONE;
    }
}

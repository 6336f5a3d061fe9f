package io.virtdeck.hypervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import org.w3c.dom.Element;

import static io.virtdeck.hypervisor.SafeXml.attr;
import static io.virtdeck.hypervisor.SafeXml.child;
import static io.virtdeck.hypervisor.SafeXml.children;
import static io.virtdeck.hypervisor.SafeXml.intOr;
import static io.virtdeck.hypervisor.SafeXml.text;

/** Reads what the inventory keeps of a domain from its libvirt XML. */
final class DomainXmlReader {

    private DomainXmlReader() {
    }

    /** The configuration part of a domain; run state and flags come from other libvirt calls. */
    record DomainConfig(UUID uuid, String name, int vcpus, long memoryMiB, String osType,
                        List<DiskFacts> disks, List<NicFacts> nics, List<GraphicsFacts> graphics,
                        boolean serialConsole) {
    }

    static DomainConfig read(String xml) {
        Element domain = SafeXml.parse(xml).getDocumentElement();
        Element devices = child(domain, "devices");
        return new DomainConfig(
                UUID.fromString(text(child(domain, "uuid"))),
                text(child(domain, "name")),
                vcpus(child(domain, "vcpu")),
                // what the guest has now (a running guest's memory can be lowered below its maximum)
                memoryMiB(child(domain, "currentMemory") != null ? child(domain, "currentMemory")
                        : child(domain, "memory")),
                text(SafeXml.path(domain, "os", "type")),
                disks(devices),
                nics(devices),
                graphics(devices),
                serialConsole(devices));
    }

    /**
     * What a domain needs from a host it migrates to (snapshots are counted by the caller). {@code hostCpuXml} is
     * the source host's CPU, which a host-passthrough guest needs as it is.
     */
    static MigrationNeeds migrationNeeds(String xml, String hostCpuXml, int snapshots) {
        Element domain = SafeXml.parse(xml).getDocumentElement();
        Element devices = child(domain, "devices");
        Set<String> networks = new TreeSet<>();
        for (Element nic : children(devices, "interface")) {
            if ("network".equals(attr(nic, "type"))) {
                networks.add(attr(child(nic, "source"), "network"));
            }
        }
        Set<String> pools = new TreeSet<>();
        Set<PoolVolume> volumes = new java.util.LinkedHashSet<>();
        Set<String> paths = new TreeSet<>();
        for (Element disk : children(devices, "disk")) {
            Element source = child(disk, "source");
            if (attr(source, "pool") != null) {
                pools.add(attr(source, "pool"));
                if (attr(source, "volume") != null) {
                    volumes.add(new PoolVolume(attr(source, "pool"), attr(source, "volume")));
                }
            } else if (attr(source, "file") != null || attr(source, "dev") != null) {
                paths.add(firstNonNull(attr(source, "file"), attr(source, "dev")));
            }
        }
        return new MigrationNeeds(networks, pools, volumes, paths, cpuToCompare(domain, hostCpuXml),
                attr(SafeXml.path(domain, "os", "type"), "arch"), snapshots, attr(domain, "type"));
    }

    /**
     * The CPU a target host's hypervisor must offer: the source host's own for host-passthrough, else the guest's
     * {@code <cpu>} when it names a model (a running host-model guest shows its expanded model; a shut-off one names
     * none and gets the target's own at its next start). For an emulated (TCG) guest too: QEMU emulates some features
     * and not others.
     */
    private static String cpuToCompare(Element domain, String hostCpuXml) {
        Element cpu = child(domain, "cpu");
        if (cpu == null) {
            return null;
        }
        if ("host-passthrough".equals(attr(cpu, "mode"))) {
            return hostCpuXml;
        }
        return child(cpu, "model") != null ? SafeXml.toXml(cpu) : null;
    }

    /** The number of vCPUs present now: {@code current} when hot-pluggable vCPUs are configured, else the maximum. */
    private static int vcpus(Element vcpu) {
        int max = intOr(text(vcpu), 1);
        return intOr(attr(vcpu, "current"), max);
    }

    static long memoryMiB(Element memory) {
        if (memory == null) {
            return 0;
        }
        long amount = Long.parseLong(text(memory));
        String unit = attr(memory, "unit");
        return switch (unit == null ? "KiB" : unit) {
            case "b", "bytes" -> amount / (1024 * 1024);
            case "KB" -> amount * 1000 / (1024 * 1024);
            case "MB" -> amount * 1000 * 1000 / (1024 * 1024);
            case "M", "MiB" -> amount;
            case "G", "GiB" -> amount * 1024;
            case "GB" -> amount * 1000L * 1000 * 1000 / (1024 * 1024);
            default -> amount / 1024; // k, KiB: libvirt's default unit
        };
    }

    private static List<DiskFacts> disks(Element devices) {
        List<DiskFacts> disks = new ArrayList<>();
        for (Element disk : children(devices, "disk")) {
            Element target = child(disk, "target");
            disks.add(new DiskFacts(attr(disk, "device"), attr(target, "dev"), attr(target, "bus"),
                    attr(child(disk, "driver"), "type"), source(disk), child(disk, "shareable") != null));
        }
        return disks;
    }

    /** Where a disk's data is, as {@link DiskFacts#source()} gives it: a path, "pool/volume", or a network name. */
    static String source(Element disk) {
        Element source = child(disk, "source");
        return firstNonNull(attr(source, "file"), attr(source, "dev"), volumePath(source), attr(source, "name"));
    }

    private static String volumePath(Element source) {
        String pool = attr(source, "pool");
        String volume = attr(source, "volume");
        return pool != null && volume != null ? pool + "/" + volume : null;
    }

    private static List<NicFacts> nics(Element devices) {
        List<NicFacts> nics = new ArrayList<>();
        for (Element nic : children(devices, "interface")) {
            Element source = child(nic, "source");
            nics.add(new NicFacts(attr(child(nic, "mac"), "address"), attr(nic, "type"),
                    firstNonNull(attr(source, "network"), attr(source, "bridge"), attr(source, "dev")),
                    attr(child(nic, "model"), "type")));
        }
        return nics;
    }

    private static List<GraphicsFacts> graphics(Element devices) {
        List<GraphicsFacts> graphics = new ArrayList<>();
        for (Element g : children(devices, "graphics")) {
            String listen = attr(g, "listen");
            if (listen == null) {
                listen = attr(child(g, "listen"), "address");
            }
            String socket = attr(g, "socket");
            if (socket == null && "socket".equals(attr(child(g, "listen"), "type"))) {
                socket = attr(child(g, "listen"), "socket");
            }
            graphics.add(new GraphicsFacts(attr(g, "type"), intOr(attr(g, "port"), -1),
                    "yes".equals(attr(g, "autoport")), listen, socket));
        }
        return graphics;
    }

    /** A serial port or console on a pseudo-terminal: what libvirt's console stream (virDomainOpenConsole) opens. */
    private static boolean serialConsole(Element devices) {
        return Stream.concat(children(devices, "console").stream(), children(devices, "serial").stream())
                .anyMatch(device -> "pty".equals(attr(device, "type")));
    }

    private static String firstNonNull(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}

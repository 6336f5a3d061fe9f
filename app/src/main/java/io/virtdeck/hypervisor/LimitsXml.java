package io.virtdeck.hypervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.w3c.dom.Element;

import static io.virtdeck.hypervisor.SafeXml.append;
import static io.virtdeck.hypervisor.SafeXml.appendText;
import static io.virtdeck.hypervisor.SafeXml.attr;
import static io.virtdeck.hypervisor.SafeXml.child;
import static io.virtdeck.hypervisor.SafeXml.children;
import static io.virtdeck.hypervisor.SafeXml.text;

/**
 * Reads and writes a domain's resource limits: {@code <cputune>}, {@code <memtune>}, {@code <blkiotune>}, each disk's
 * {@code <iotune>} and {@code <numatune>}. Writing replaces all of them with the given limits and keeps the rest of the
 * definition as it was.
 */
final class LimitsXml {

    private static final String[] IOTUNE = {"total_iops_sec", "read_iops_sec", "write_iops_sec",
        "total_bytes_sec", "read_bytes_sec", "write_bytes_sec"};

    private LimitsXml() {
    }

    static ResourceLimits read(String domainXml) {
        Element domain = SafeXml.parse(domainXml).getDocumentElement();
        Element cputune = child(domain, "cputune");
        Element memtune = child(domain, "memtune");
        List<ResourceLimits.DiskIo> disks = new ArrayList<>();
        for (Element disk : children(child(domain, "devices"), "disk")) {
            Element iotune = child(disk, "iotune");
            if (iotune != null) {
                List<Long> values = new ArrayList<>();
                for (String name : IOTUNE) {
                    values.add(number(child(iotune, name)));
                }
                disks.add(new ResourceLimits.DiskIo(attr(child(disk, "target"), "dev"), values.get(0), values.get(1),
                        values.get(2), values.get(3), values.get(4), values.get(5)));
            }
        }
        List<ResourceLimits.VcpuPin> pins = new ArrayList<>();
        for (Element pin : children(cputune, "vcpupin")) {
            pins.add(new ResourceLimits.VcpuPin(Integer.parseInt(attr(pin, "vcpu")), attr(pin, "cpuset")));
        }
        Element numaMemory = child(child(domain, "numatune"), "memory");
        Long weight = number(child(child(domain, "blkiotune"), "weight"));
        return new ResourceLimits(number(child(cputune, "shares")), number(child(cputune, "quota")),
                number(child(cputune, "period")), mib(child(memtune, "hard_limit")), mib(child(memtune, "soft_limit")),
                weight == null ? null : weight.intValue(), disks, pins,
                numaMemory == null ? null : new ResourceLimits.NumaPlacement(attr(numaMemory, "mode"),
                        attr(numaMemory, "nodeset")));
    }

    /** The whole domain XML with its limits replaced by {@code limits}. */
    static String write(String domainXml, ResourceLimits limits) {
        Element domain = SafeXml.parse(domainXml).getDocumentElement();
        for (String tune : List.of("cputune", "memtune", "blkiotune", "numatune")) {
            children(domain, tune).forEach(domain::removeChild);
        }
        Element devices = child(domain, "devices");
        Element cputune = domain.getOwnerDocument().createElement("cputune");
        optional(cputune, "shares", limits.cpuShares());
        optional(cputune, "period", limits.cpuPeriodUs());
        optional(cputune, "quota", limits.cpuQuotaUs());
        for (ResourceLimits.VcpuPin pin : limits.vcpuPins()) {
            append(cputune, "vcpupin", "vcpu", Integer.toString(pin.vcpu()), "cpuset", pin.cpuset());
        }
        Element memtune = domain.getOwnerDocument().createElement("memtune");
        optional(memtune, "hard_limit", kib(limits.memoryHardLimitMiB()), "unit", "KiB");
        optional(memtune, "soft_limit", kib(limits.memorySoftLimitMiB()), "unit", "KiB");
        Element blkiotune = domain.getOwnerDocument().createElement("blkiotune");
        optional(blkiotune, "weight", limits.blkioWeight() == null ? null : limits.blkioWeight().longValue());
        // libvirt's schema wants the tuning elements before <devices>
        for (Element tune : List.of(cputune, memtune, blkiotune)) {
            if (tune.hasChildNodes()) {
                domain.insertBefore(tune, devices);
            }
        }
        if (limits.numa() != null) {
            Element numatune = domain.getOwnerDocument().createElement("numatune");
            append(numatune, "memory", "mode", limits.numa().mode(), "nodeset", limits.numa().nodeset());
            domain.insertBefore(numatune, devices);
        }
        for (Element disk : children(devices, "disk")) {
            children(disk, "iotune").forEach(disk::removeChild);
            String target = attr(child(disk, "target"), "dev");
            limits.disks().stream().filter(io -> io.target().equals(target)).findFirst()
                    .ifPresent(io -> iotune(disk, io));
        }
        return SafeXml.toXml(domain);
    }

    private static void iotune(Element disk, ResourceLimits.DiskIo io) {
        Element iotune = append(disk, "iotune");
        List<Function<ResourceLimits.DiskIo, Long>> values = List.of(ResourceLimits.DiskIo::totalIops,
                ResourceLimits.DiskIo::readIops, ResourceLimits.DiskIo::writeIops,
                ResourceLimits.DiskIo::totalBytesSec, ResourceLimits.DiskIo::readBytesSec,
                ResourceLimits.DiskIo::writeBytesSec);
        for (int i = 0; i < IOTUNE.length; i++) {
            optional(iotune, IOTUNE[i], values.get(i).apply(io));
        }
    }

    private static void optional(Element parent, String name, Long value, String... attributes) {
        if (value != null) {
            appendText(parent, name, Long.toString(value), attributes);
        }
    }

    private static Long kib(Long mib) {
        return mib == null ? null : mib * 1024;
    }

    private static Long number(Element element) {
        return element == null ? null : Long.parseLong(text(element).trim());
    }

    /** libvirt writes memtune values in KiB unless told otherwise. */
    private static Long mib(Element element) {
        return element == null ? null : DomainXmlReader.memoryMiB(element);
    }
}

package io.virtdeck.hypervisor;

import java.util.List;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import static io.virtdeck.hypervisor.SafeXml.append;
import static io.virtdeck.hypervisor.SafeXml.appendText;

/**
 * Writes the domain XML of a new guest in the shape its hypervisor wants. Built through the DOM, so names and paths
 * that came from users are escaped by the XML library, never spliced into text.
 *
 * <ul>
 *   <li>KVM and QEMU: virtio disks and NICs, a SATA CD-ROM, ACPI and APIC, a USB tablet and virtio video for VNC,
 *   a serial console and the guest agent's channel; the CPU the spec names (by default KVM gets the host's
 *   CPU model).</li>
 *   <li>Xen HVM: hvmloader (or OVMF), xen-bus disks (booted through their emulated twins until PV drivers load), an
 *   IDE CD-ROM, ACPI, APIC and PAE, the toolstack's default NICs.</li>
 *   <li>Xen PV: pygrub reads the first disk, every device on the xen bus, no ACPI, firmware or boot order.</li>
 * </ul>
 */
public final class DomainXmlWriter {

    private DomainXmlWriter() {
    }

    public static String write(DomainSpec spec) {
        GuestVirtualization virt = spec.platform().virtualization();
        Document doc = SafeXml.newDocument();
        Element domain = doc.createElement("domain");
        doc.appendChild(domain);
        domain.setAttribute("type", virt.domainType());
        appendText(domain, "name", spec.name());
        appendText(domain, "uuid", spec.uuid().toString());
        appendText(domain, "memory", Long.toString(spec.memoryMiB()), "unit", "MiB");
        appendText(domain, "currentMemory", Long.toString(spec.memoryMiB()), "unit", "MiB");
        appendText(domain, "vcpu", Integer.toString(spec.vcpus()), "placement", "static");
        if (virt == GuestVirtualization.XEN_PV) {
            appendText(domain, "bootloader", "pygrub");
        }
        os(domain, spec);
        features(domain, virt);
        CpuXml.append(domain, spec.cpu());
        append(domain, "clock", "offset", "utc");
        appendText(domain, "on_poweroff", "destroy");
        appendText(domain, "on_reboot", "restart");
        appendText(domain, "on_crash", "destroy");
        devices(domain, spec);
        return SafeXml.toXml(domain);
    }

    private static void os(Element domain, DomainSpec spec) {
        GuestPlatform platform = spec.platform();
        GuestVirtualization virt = platform.virtualization();
        Element os = append(domain, "os");
        appendText(os, "type", virt.osType(), "arch", platform.arch(), "machine", platform.machine());
        if (virt == GuestVirtualization.XEN_PV) {
            return; // the bootloader picks the kernel: no firmware, no boot devices
        }
        if (spec.uefi()) {
            if (platform.uefiLoader() != null) {
                appendText(os, "loader", platform.uefiLoader(), "readonly", "yes", "type", "pflash");
            } else {
                os.setAttribute("firmware", "efi"); // libvirt picks the firmware image and its variable store
            }
        } else if (virt == GuestVirtualization.XEN_HVM && platform.hvmLoader() != null) {
            appendText(os, "loader", platform.hvmLoader());
        }
        for (DomainSpec.BootDevice device : spec.bootOrder()) {
            append(os, "boot", "dev", device.xml());
        }
    }

    private static void features(Element domain, GuestVirtualization virt) {
        if (virt == GuestVirtualization.XEN_PV) {
            return;
        }
        Element features = append(domain, "features");
        append(features, "acpi");
        append(features, "apic");
        if (virt == GuestVirtualization.XEN_HVM) {
            append(features, "pae");
        }
    }

    private static void devices(Element domain, DomainSpec spec) {
        GuestVirtualization virt = spec.platform().virtualization();
        boolean qemu = !virt.xen();
        Element devices = append(domain, "devices");
        List<DomainSpec.Disk> disks = spec.disks();
        for (int i = 0; i < disks.size(); i++) {
            disk(devices, disks.get(i), "disk", (qemu ? "vd" : "xvd") + letter(i), qemu ? "virtio" : "xen");
        }
        if (spec.cdrom() != null) {
            switch (virt) {
                case KVM, QEMU -> disk(devices, spec.cdrom(), "cdrom", "sda", "sata");
                case XEN_HVM -> disk(devices, spec.cdrom(), "cdrom", "hdc", "ide");
                case XEN_PV -> disk(devices, spec.cdrom(), "cdrom", "xvd" + letter(disks.size()), "xen");
            }
        }
        for (String network : spec.networks()) {
            Element nic = append(devices, "interface", "type", "network");
            append(nic, "source", "network", network);
            if (qemu) {
                append(nic, "model", "type", "virtio");
            } // Xen: the toolstack's default (emulated plus PV for HVM, netfront for PV)
        }
        if (virt == GuestVirtualization.XEN_PV) {
            append(append(devices, "console", "type", "pty"), "target", "type", "xen", "port", "0");
        } else {
            append(append(devices, "serial", "type", "pty"), "target", "port", "0");
            append(append(devices, "console", "type", "pty"), "target", "type", "serial", "port", "0");
        }
        if (qemu) {
            Element agent = append(devices, "channel", "type", "unix");
            append(agent, "target", "type", "virtio", "name", "org.qemu.guest_agent.0");
        }
        if (spec.vnc()) {
            graphics(devices, virt);
        }
        if (qemu) {
            append(devices, "memballoon", "model", "virtio");
        }
    }

    private static void graphics(Element devices, GuestVirtualization virt) {
        if (virt != GuestVirtualization.XEN_PV) {
            append(devices, "input", "type", "tablet", "bus", "usb"); // a pointer that follows the VNC client's
        }
        append(devices, "graphics", "type", "vnc", "port", "-1", "autoport", "yes");
        if (!virt.xen()) {
            append(append(devices, "video"), "model", "type", "virtio", "heads", "1", "primary", "yes");
        }
    }

    private static void disk(Element devices, DomainSpec.Disk disk, String device, String target, String bus) {
        String type = switch (disk.kind()) {
            case FILE -> "file";
            case BLOCK -> "block";
            case OTHER -> "volume";
        };
        Element element = append(devices, "disk", "type", type, "device", device);
        append(element, "driver", "name", "qemu", "type", disk.format());
        switch (disk.kind()) {
            case FILE -> append(element, "source", "file", disk.path());
            case BLOCK -> append(element, "source", "dev", disk.path());
            case OTHER -> append(element, "source", "pool", disk.pool(), "volume", disk.volume());
        }
        append(element, "target", "dev", target, "bus", bus);
        if ("cdrom".equals(device)) {
            append(element, "readonly");
        }
    }

    /** a, b, ..., z, aa, ab, ...: the letters of disk targets (vda, vdb, ...). */
    static String letter(int index) {
        String suffix = String.valueOf((char) ('a' + index % 26));
        return index < 26 ? suffix : letter(index / 26 - 1) + suffix;
    }
}

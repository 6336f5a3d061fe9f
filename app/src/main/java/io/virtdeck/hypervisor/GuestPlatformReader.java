package io.virtdeck.hypervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.w3c.dom.Element;

import static io.virtdeck.hypervisor.SafeXml.attr;
import static io.virtdeck.hypervisor.SafeXml.child;
import static io.virtdeck.hypervisor.SafeXml.children;
import static io.virtdeck.hypervisor.SafeXml.path;
import static io.virtdeck.hypervisor.SafeXml.text;

/**
 * Chooses how a new guest is virtualized from the host's capabilities XML, and whether it may boot with UEFI from
 * the domain capabilities XML.
 */
final class GuestPlatformReader {

    private GuestPlatformReader() {
    }

    /** One {@code <guest><arch>} entry of the capabilities: an OS type the host runs on one architecture. */
    private record Offer(String osType, String arch, List<String> domainTypes, String loader, List<String> machines) {

        boolean runs(String osTypeWanted, String domainType) {
            return osTypeWanted.equals(osType) && domainTypes.contains(domainType);
        }
    }

    /**
     * KVM where offered; on a Xen host HVM, else PV; otherwise QEMU's emulation (also for libvirt's test driver,
     * which stands in for a QEMU host). The host's own architecture is preferred. UEFI is not yet known here.
     */
    static GuestPlatform choose(String capabilitiesXml) {
        Element root = SafeXml.parse(capabilitiesXml).getDocumentElement();
        String hostArch = text(path(root, "host", "cpu", "arch"));
        List<Offer> offers = offers(root, hostArch);
        for (Offer offer : offers) {
            if (offer.runs("hvm", "kvm")) {
                return new GuestPlatform(GuestVirtualization.KVM, offer.arch(), q35(offer), null, false, null);
            }
        }
        for (Offer offer : offers) {
            if (offer.runs("hvm", "xen")) {
                return new GuestPlatform(GuestVirtualization.XEN_HVM, offer.arch(), null, offer.loader(), false, null);
            }
        }
        for (Offer offer : offers) {
            if (offer.runs("xen", "xen") || offer.runs("linux", "xen")) {
                return new GuestPlatform(GuestVirtualization.XEN_PV, offer.arch(), null, null, false, null);
            }
        }
        Offer hvm = offers.stream().filter(o -> "hvm".equals(o.osType())).findFirst().orElse(null);
        return new GuestPlatform(GuestVirtualization.QEMU, hvm == null ? hostArch : hvm.arch(),
                hvm != null && hvm.domainTypes().contains("qemu") ? q35(hvm) : null, null, false, null);
    }

    /**
     * Adds what the domain capabilities say of UEFI: offered when the firmware enum holds {@code efi} (libvirt then
     * picks the image for KVM/QEMU) or a UEFI loader image is listed (named in the XML, as Xen needs).
     * Xen PV guests have no firmware.
     */
    static GuestPlatform withFirmware(GuestPlatform platform, String domainCapabilitiesXml) {
        if (platform.virtualization() == GuestVirtualization.XEN_PV) {
            return platform;
        }
        Element os = child(SafeXml.parse(domainCapabilitiesXml).getDocumentElement(), "os");
        if (os == null || "no".equals(attr(os, "supported"))) {
            return platform;
        }
        boolean autoSelect = enumValues(os, "firmware").contains("efi");
        String uefiImage = null;
        for (Element value : children(child(os, "loader"), "value")) {
            String image = text(value).toLowerCase(Locale.ROOT);
            if (uefiImage == null && (image.contains("ovmf") || image.contains("efi") || image.contains("aavmf"))) {
                uefiImage = text(value);
            }
        }
        boolean named = platform.virtualization().xen() || !autoSelect;
        String loader = named ? uefiImage : null;
        return platform.withUefi(loader != null || (autoSelect && !platform.virtualization().xen()), loader);
    }

    private static List<String> enumValues(Element parent, String name) {
        List<String> values = new ArrayList<>();
        for (Element e : children(parent, "enum")) {
            if (name.equals(attr(e, "name"))) {
                children(e, "value").forEach(v -> values.add(text(v)));
            }
        }
        return values;
    }

    /** Every OS type and architecture the host offers, those of the host's own architecture first. */
    private static List<Offer> offers(Element root, String hostArch) {
        List<Offer> own = new ArrayList<>();
        List<Offer> other = new ArrayList<>();
        for (Element guest : children(root, "guest")) {
            String osType = text(child(guest, "os_type"));
            for (Element arch : children(guest, "arch")) {
                List<String> domainTypes = new ArrayList<>();
                children(arch, "domain").forEach(d -> domainTypes.add(attr(d, "type")));
                List<String> machines = new ArrayList<>();
                children(arch, "machine").forEach(m -> machines.add(text(m)));
                Offer offer = new Offer(osType, attr(arch, "name"), domainTypes, text(child(arch, "loader")),
                        machines);
                (offer.arch() != null && offer.arch().equals(hostArch) ? own : other).add(offer);
            }
        }
        own.addAll(other);
        return own;
    }

    /** x86's modern machine type (PCIe, SATA, what UEFI guests expect) where offered; else the driver's default. */
    private static String q35(Offer offer) {
        return offer.machines().contains("q35") ? "q35" : null;
    }
}

package io.virtdeck.hypervisor;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.w3c.dom.Element;
import io.virtdeck.core.HypervisorException;

/** Changes to a domain's graphics device, written as the device XML that libvirt's device update takes. */
final class GraphicsXml {

    /** libvirt reads passwdValidTo as UTC without a zone. */
    private static final DateTimeFormatter VALID_TO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private GraphicsXml() {
    }

    /** The domain's VNC graphics device with a password that expires at {@code validUntil}. */
    static String vncWithPassword(String domainXml, String password, Instant validUntil) {
        Element devices = SafeXml.child(SafeXml.parse(domainXml).getDocumentElement(), "devices");
        Element vnc = SafeXml.children(devices, "graphics").stream()
                .filter(g -> "vnc".equals(SafeXml.attr(g, "type"))).findFirst()
                .orElseThrow(() -> new HypervisorException(HypervisorException.Kind.UNSUPPORTED,
                        "the domain has no VNC display"));
        vnc.setAttribute("passwd", password);
        vnc.setAttribute("passwdValidTo", VALID_TO.format(validUntil));
        return SafeXml.toXml(vnc);
    }
}

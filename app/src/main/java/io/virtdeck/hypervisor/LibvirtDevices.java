package io.virtdeck.hypervisor;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import io.virtdeck.core.HypervisorException;

/** The libvirt-backed {@link DeviceGateway}. */
@Component
class LibvirtDevices implements DeviceGateway {

    private static final Logger log = LoggerFactory.getLogger(LibvirtDevices.class);

    private final HostConnections connections;

    LibvirtDevices(HostConnections connections) {
        this.connections = connections;
    }

    @Override
    public String attachDisk(long hostId, UUID uuid, String pool, String volume, String format, boolean shareable) {
        return connections.call(hostId, session -> session.domain(uuid, domain -> {
            String device = DeviceXml.disk(domain.getXMLDesc(0), pool, volume, format, shareable);
            domain.attachDeviceFlags(device, plugScope(domain));
            return SafeXml.attr(SafeXml.child(SafeXml.parse(device).getDocumentElement(), "target"), "dev");
        }));
    }

    @Override
    public void attachNic(long hostId, UUID uuid, NicSpec nic) {
        connections.call(hostId, session -> session.domain(uuid, domain -> {
            domain.attachDeviceFlags(DeviceXml.nic(nic), plugScope(domain));
            return null;
        }));
    }

    @Override
    public String attachCdrom(long hostId, UUID uuid, String pool, String volume) {
        return connections.call(hostId, session -> session.domain(uuid, domain -> {
            if (!DeviceXml.hasScsiController(domain.getXMLDesc(LibvirtFlags.XML_INACTIVE))) {
                domain.attachDeviceFlags(DeviceXml.virtioScsiController(), LibvirtFlags.AFFECT_CONFIG);
            }
            String device = DeviceXml.scsiCdrom(domain.getXMLDesc(LibvirtFlags.XML_INACTIVE), pool, volume);
            domain.attachDeviceFlags(device, LibvirtFlags.AFFECT_CONFIG);
            return SafeXml.attr(SafeXml.child(SafeXml.parse(device).getDocumentElement(), "target"), "dev");
        }));
    }

    @Override
    public void growDisk(long hostId, UUID uuid, String target, long sizeMiB) {
        connections.call(hostId, session -> session.domain(uuid, domain -> {
            domain.blockResize(target, sizeMiB * 1024 * 1024, LibvirtFlags.BLOCK_RESIZE_BYTES);
            return null;
        }));
    }

    @Override
    public void changeCdrom(long hostId, UUID uuid, String pool, String volume, String nextPool, String next) {
        connections.call(hostId, session -> session.domain(uuid, domain -> {
            String device = DeviceXml.cdromWithMedia(domain.getXMLDesc(LibvirtFlags.XML_INACTIVE), pool, volume,
                            nextPool, next)
                    .orElseThrow(() -> new HypervisorException(HypervisorException.Kind.NOT_FOUND,
                            "the guest has no CD-ROM holding " + pool + "/" + volume));
            domain.updateDeviceFlags(device, LibvirtFlags.AFFECT_CONFIG);
            return null;
        }));
    }

    @Override
    public void changeCdromMedia(long hostId, UUID uuid, String target, String pool, String volume) {
        connections.call(hostId, session -> session.domain(uuid, domain -> {
            String xml = domain.getXMLDesc(domain.isActive() == 1 ? 0 : LibvirtFlags.XML_INACTIVE);
            String device = DeviceXml.cdromHolding(xml, target, pool, volume)
                    .orElseThrow(() -> new HypervisorException(HypervisorException.Kind.NOT_FOUND,
                            "the guest has no CD-ROM drive at " + target));
            domain.updateDeviceFlags(device, plugScope(domain));
            return null;
        }));
    }

    @Override
    public boolean detachDisk(long hostId, UUID uuid, String target, Duration patience) {
        return detach(hostId, uuid, xml -> DeviceXml.diskAt(xml, target), "disk " + target, patience);
    }

    @Override
    public boolean detachNic(long hostId, UUID uuid, String mac, Duration patience) {
        return detach(hostId, uuid, xml -> DeviceXml.nicWithMac(xml, mac), "NIC " + mac, patience);
    }

    /**
     * Asks libvirt to unplug the device (it waits a few seconds for the guest itself), then watches the live domain
     * until the device is gone or patience runs out: a guest releases a device when its OS agrees to.
     */
    private boolean detach(long hostId, UUID uuid, Function<String, Optional<String>> find, String what,
                           Duration patience) {
        String device = connections.call(hostId, session -> session.domain(uuid,
                domain -> find.apply(domain.getXMLDesc(0)).orElseThrow(() -> new HypervisorException(
                        HypervisorException.Kind.NOT_FOUND, "the guest has no " + what))));
        connections.callUntilDone(hostId, session -> session.domain(uuid, domain -> {
            domain.detachDeviceFlags(device, plugScope(domain));
            return null;
        }));
        long deadline = System.nanoTime() + patience.toNanos();
        while (connections.call(hostId,
                session -> session.domain(uuid, domain -> find.apply(domain.getXMLDesc(0)).isPresent()))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Hot-plug reaches the running domain and its definition; a shut-off domain has only the definition. */
    private static int plugScope(Domain domain) throws LibvirtException {
        int scope = domain.isPersistent() == 1 ? LibvirtFlags.AFFECT_CONFIG : 0;
        return domain.isActive() == 1 ? scope | LibvirtFlags.AFFECT_LIVE : LibvirtFlags.AFFECT_CONFIG;
    }

    @Override
    public Set<String> nicMacs(long hostId) {
        return connections.call(hostId, session -> {
            Set<String> macs = new TreeSet<>();
            // a domain undefined meanwhile is left out: its MACs are free
            session.eachDomain(0, domain -> {
                addMacs(macs, domain.getXMLDesc(0));
                if (domain.isActive() == 1 && domain.isPersistent() == 1) {
                    // the definition may differ from the live one
                    addMacs(macs, domain.getXMLDesc(LibvirtFlags.XML_INACTIVE));
                }
                return null;
            });
            return macs;
        });
    }

    private static void addMacs(Set<String> macs, String domainXml) {
        DomainXmlReader.read(domainXml).nics().stream().filter(nic -> nic.mac() != null)
                .forEach(nic -> macs.add(nic.mac().toLowerCase(Locale.ROOT)));
    }

    @Override
    public Set<String> hostInterfaces(long hostId) {
        return connections.call(hostId, session -> {
            Set<String> names = new TreeSet<>();
            try {
                names.addAll(List.of(session.connect().listInterfaces()));
            } catch (LibvirtException e) {
                // no interface driver on this host: the networks' bridges are what is known
                log.debug("host {}: no interface list: {}", hostId, LibvirtErrors.message(e));
            }
            for (String name : session.networks().keySet()) {
                String bridge = session.network(name,
                        network -> NetworkXml.read(network.getXMLDesc(0), false, false).bridge());
                if (bridge != null) {
                    names.add(bridge);
                }
            }
            return names;
        });
    }
}

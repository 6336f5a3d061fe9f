package io.virtdeck.hypervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.libvirt.LibvirtException;
import org.libvirt.Network;
import org.springframework.stereotype.Component;

/** The libvirt-backed {@link NetworkGateway}. */
@Component
class LibvirtNetworks implements NetworkGateway {

    private final HostConnections connections;

    LibvirtNetworks(HostConnections connections) {
        this.connections = connections;
    }

    @Override
    public List<NetworkFacts> networks(long hostId) {
        return connections.call(hostId, session -> {
            List<NetworkFacts> networks = new ArrayList<>();
            for (Map.Entry<String, Boolean> name : session.networks().entrySet()) {
                networks.add(session.network(name.getKey(), network -> NetworkXml.read(network.getXMLDesc(0),
                        name.getValue(), network.getAutostart())));
            }
            return networks;
        });
    }

    @Override
    public NetworkFacts createNetwork(long hostId, NetworkFacts spec) {
        connections.call(hostId, session -> {
            Network network = session.connect().networkDefineXML(NetworkXml.write(spec));
            try {
                network.create();
                network.setAutostart(true);
            } catch (LibvirtException e) {
                if (network.isActive() == 1) {
                    network.destroy();
                }
                network.undefine(); // nothing half made
                throw e;
            } finally {
                network.free();
            }
            return null;
        });
        return networks(hostId).stream().filter(n -> n.name().equals(spec.name())).findFirst().orElseThrow();
    }

    @Override
    public void setNetworkActive(long hostId, String name, boolean active) {
        onNetwork(hostId, name, network -> {
            if (active && network.isActive() != 1) {
                network.create();
            } else if (!active && network.isActive() == 1) {
                network.destroy();
            }
            return null;
        });
    }

    @Override
    public void setNetworkAutostart(long hostId, String name, boolean autostart) {
        onNetwork(hostId, name, network -> {
            network.setAutostart(autostart);
            return null;
        });
    }

    @Override
    public void deleteNetwork(long hostId, String name) {
        onNetwork(hostId, name, network -> {
            if (network.isActive() == 1) {
                network.destroy();
            }
            network.undefine();
            return null;
        });
    }

    @Override
    public void addDhcpHost(long hostId, String network, NetworkFacts.DhcpHost host) {
        updateDhcpHost(hostId, network, LibvirtFlags.NETWORK_UPDATE_ADD_LAST, host);
    }

    @Override
    public void removeDhcpHost(long hostId, String network, NetworkFacts.DhcpHost host) {
        updateDhcpHost(hostId, network, LibvirtFlags.NETWORK_UPDATE_DELETE, host);
    }

    private void updateDhcpHost(long hostId, String name, int command, NetworkFacts.DhcpHost host) {
        onNetwork(hostId, name, network -> {
            // a stopped network has only its definition; a running one gets the entry at once as well
            int flags = network.isActive() == 1
                    ? LibvirtFlags.NETWORK_AFFECT_LIVE | LibvirtFlags.NETWORK_AFFECT_CONFIG
                    : LibvirtFlags.NETWORK_AFFECT_CONFIG;
            LibvirtNative.updateDhcpHost(network, command, NetworkXml.dhcpHost(host), flags);
            return null;
        });
    }

    @Override
    public List<DhcpLease> dhcpLeases(long hostId, String name) {
        return onNetwork(hostId, name, LibvirtNative::dhcpLeases);
    }

    private <T> T onNetwork(long hostId, String name, LibvirtSession.Work<Network, T> work) {
        return connections.call(hostId, session -> session.network(name, work));
    }
}

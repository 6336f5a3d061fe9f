package io.virtdeck.network;

import java.security.SecureRandom;
import java.util.List;
import java.util.Set;

import org.springframework.stereotype.Component;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DeviceGateway;
import io.virtdeck.hypervisor.HostGateway;
import io.virtdeck.hypervisor.NicSpec;

/**
 * Turns a {@link NicRequest} into a NIC a host will take, checked against the host itself: its networks, its bridges,
 * and the MAC addresses of every guest it defines or runs (the inventory may lag behind libvirt).
 */
@Component
public class NicPlanner {

    /** The NIC models QEMU emulates on x86 that guests commonly have drivers for; virtio first, the default. */
    public static final List<String> MODELS = List.of("virtio", "e1000", "e1000e", "rtl8139");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HostGateway hostGateway;
    private final DeviceGateway deviceGateway;

    NicPlanner(HostGateway hostGateway, DeviceGateway deviceGateway) {
        this.hostGateway = hostGateway;
        this.deviceGateway = deviceGateway;
    }

    /** The NIC, or 400 naming the field at fault, or 409 when its MAC address is taken on the host. */
    public NicSpec plan(long hostId, String hostName, NicRequest request) {
        boolean onNetwork = request.network() != null && !request.network().isBlank();
        boolean onBridge = request.bridge() != null && !request.bridge().isBlank();
        if (onNetwork == onBridge) {
            throw VirtdeckException.invalid(onNetwork ? "bridge" : "network", "Name either a network or a host"
                    + " bridge for the NIC, not " + (onNetwork ? "both." : "neither."));
        }
        String model = request.model() == null || request.model().isBlank() ? MODELS.get(0) : request.model();
        if (!MODELS.contains(model)) {
            throw VirtdeckException.invalid("model", "model is one of " + String.join(", ", MODELS) + ".");
        }
        if (onNetwork && !hostGateway.resources(hostId).networks().containsKey(request.network())) {
            throw VirtdeckException.invalid("network", "There is no network '" + request.network() + "' on host '"
                    + hostName + "'.");
        }
        if (onBridge && !deviceGateway.hostInterfaces(hostId).contains(request.bridge())) {
            throw VirtdeckException.invalid("bridge", "Host '" + hostName + "' has no bridge '" + request.bridge()
                    + "'.");
        }
        Set<String> used = deviceGateway.nicMacs(hostId);
        String mac;
        if (request.mac() == null || request.mac().isBlank()) {
            mac = MacAddresses.generate(used, RANDOM);
        } else {
            mac = MacAddresses.check("mac", request.mac());
            if (used.contains(mac)) {
                throw VirtdeckException.conflict("mac", "MAC address " + mac + " is used by a NIC of a guest on host '"
                        + hostName + "' already: two NICs with one address confuse the network.");
            }
        }
        return onNetwork ? new NicSpec("network", request.network(), model, mac)
                : new NicSpec("bridge", request.bridge(), model, mac);
    }
}

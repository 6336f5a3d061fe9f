package io.virtdeck.guest.devices;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.config.GuestConfigService;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.HostGateway;
import io.virtdeck.hypervisor.NicFacts;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.inventory.Guest;
import io.virtdeck.network.NetworkService;
import io.virtdeck.network.NicPlanner;
import io.virtdeck.network.NicRequest;
import io.virtdeck.web.Flash;

/** The guest's Devices page: its disks and NICs, with plug and unplug for those who may change it. */
@Controller
class GuestDevicesPageController {

    private final GuestDevicesService devices;
    private final GuestConfigService config;
    private final HostGateway hostGateway;
    private final StorageGateway storageGateway;
    private final NetworkService networks;

    GuestDevicesPageController(GuestDevicesService devices, GuestConfigService config, HostGateway hostGateway,
                               StorageGateway storageGateway,
                               NetworkService networks) {
        this.devices = devices;
        this.config = config;
        this.hostGateway = hostGateway;
        this.storageGateway = storageGateway;
        this.networks = networks;
    }

    @GetMapping("/guests/{id}/devices")
    String page(@PathVariable long id, Model model) {
        Guest guest = config.editable(id);
        model.addAttribute("guest", guest);
        model.addAttribute("pools", storageGateway.pools(guest.hostId()).stream().filter(PoolFacts::active).toList());
        model.addAttribute("networks", List.copyOf(hostGateway.resources(guest.hostId()).networks().keySet()));
        model.addAttribute("nicModels", NicPlanner.MODELS);
        model.addAttribute("addresses", addresses(guest));
        return "guest/devices";
    }

    @PostMapping("/guests/{id}/disks")
    String addDisk(@PathVariable long id, @RequestParam String pool, @RequestParam(required = false) Long sizeMiB,
                   @RequestParam(defaultValue = "qcow2") String format, RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/guests/" + id + "/devices", () -> {
            devices.addDisk(id, new GuestDevicesService.DiskRequest(pool, sizeMiB, format));
            return "Plugged in a new " + sizeMiB + " MiB disk from " + pool + ".";
        });
    }

    @PostMapping("/guests/{id}/disks/{target}/remove")
    String removeDisk(@PathVariable long id, @PathVariable String target, RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/guests/" + id + "/devices", () -> {
            devices.removeDisk(id, target);
            return "Unplugged disk " + target + "; its volume stays in its pool.";
        });
    }

    /**
     * Empty fields are absent: a NIC goes on the network chosen, or on the bridge when one is typed (the select always
     * holds a network), and gets a new MAC address unless given one.
     */
    @PostMapping("/guests/{id}/nics")
    String addNic(@PathVariable long id, @RequestParam(defaultValue = "") String network,
                  @RequestParam(defaultValue = "") String bridge, @RequestParam(defaultValue = "virtio") String model,
                  @RequestParam(defaultValue = "") String mac, RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/guests/" + id + "/devices", () -> {
            devices.addNic(id, new NicRequest(bridge.isBlank() ? blankToNull(network) : null, blankToNull(bridge),
                    model, blankToNull(mac)));
            return "Plugged in a " + model + " NIC on " + (network.isBlank() ? "bridge " + bridge : network) + ".";
        });
    }

    /** The addresses its networks' DHCP servers leased to the running guest's NICs, by MAC (lower case). */
    private Map<String, String> addresses(Guest guest) {
        Map<String, String> byMac = new HashMap<>();
        if (guest.state() != DomainRunState.RUNNING) {
            return byMac;
        }
        guest.nics().stream().filter(n -> "network".equals(n.type())).map(NicFacts::source).distinct()
                .forEach(network -> {
                    try {
                        networks.leases(guest.hostId(), network).forEach(lease -> byMac.merge(
                                lease.mac().toLowerCase(Locale.ROOT), lease.ip(), (a, b) -> a + ", " + b));
                    } catch (VirtdeckException e) {
                        // a host that keeps no leases (the test driver), a network gone: no addresses to show
                    }
                });
        return byMac;
    }

    private static String blankToNull(String text) {
        return text.isBlank() ? null : text;
    }

    @PostMapping("/guests/{id}/nics/{mac}/remove")
    String removeNic(@PathVariable long id, @PathVariable String mac, RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/guests/" + id + "/devices", () -> {
            devices.removeNic(id, mac);
            return "Unplugged NIC " + mac + ".";
        });
    }
}

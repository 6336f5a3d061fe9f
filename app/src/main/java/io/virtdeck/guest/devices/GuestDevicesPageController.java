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
import io.virtdeck.hypervisor.PooledVolume;
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
    private final GuestCdromService cdroms;
    private final GuestDiskMoveService moves;
    private final GuestConfigService config;
    private final HostGateway hostGateway;
    private final StorageGateway storageGateway;
    private final NetworkService networks;

    GuestDevicesPageController(GuestDevicesService devices, GuestCdromService cdroms, GuestDiskMoveService moves,
                               GuestConfigService config, HostGateway hostGateway, StorageGateway storageGateway,
                               NetworkService networks) {
        this.devices = devices;
        this.cdroms = cdroms;
        this.moves = moves;
        this.config = config;
        this.hostGateway = hostGateway;
        this.storageGateway = storageGateway;
        this.networks = networks;
    }

    @GetMapping("/guests/{id}/devices")
    String page(@PathVariable long id, Model model) {
        Guest guest = config.editable(id);
        model.addAttribute("guest", guest);
        List<PoolFacts> pools = storageGateway.pools(guest.hostId()).stream().filter(PoolFacts::active).toList();
        model.addAttribute("pools", pools);
        List<PooledVolume> volumes = pools.stream().flatMap(p -> storageGateway.volumes(guest.hostId(), p.name())
                .stream().map(v -> new PooledVolume(p.name(), v))).toList();
        model.addAttribute("images", volumes.stream().filter(v -> v.volume().iso()).toList());
        model.addAttribute("volumes", volumes.stream().filter(v -> !v.volume().iso()).toList());
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

    /** {@code volume}: "pool/volume", as the page's list of the host's volumes gives it. */
    @PostMapping("/guests/{id}/disks/attach")
    String attachDisk(@PathVariable long id, @RequestParam(defaultValue = "") String volume,
                      @RequestParam(defaultValue = "false") boolean shareable, RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/guests/" + id + "/devices", () -> {
            String[] chosen = poolAndVolume(volume);
            devices.addDisk(id, new GuestDevicesService.DiskRequest(chosen[0], null, null, chosen[1], shareable));
            return "Plugged in volume " + volume + (shareable ? " (shared)" : "") + ".";
        });
    }

    /** {@code target}: the disk chosen on the page. */
    @PostMapping("/guests/{id}/disks/move")
    String moveDisk(@PathVariable long id, @RequestParam(defaultValue = "") String target,
                    @RequestParam(defaultValue = "") String pool,
                    @RequestParam(defaultValue = "false") boolean deleteSource, RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/guests/" + id + "/devices", () -> {
            long task = moves.move(id, target, new GuestDiskMoveService.MoveRequest(pool, deleteSource, null)).id();
            return "Moving disk " + target + " to pool " + pool + ": started (task " + task + "). Follow it in the"
                    + " tasks panel.";
        });
    }

    /** {@code image}: "pool/volume"; {@code target}: the drive, empty for the first one. */
    @PostMapping("/guests/{id}/cdrom/insert")
    String insertCdrom(@PathVariable long id, @RequestParam(defaultValue = "") String image,
                       @RequestParam(defaultValue = "") String target, RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/guests/" + id + "/devices", () -> {
            String[] chosen = poolAndVolume(image);
            cdroms.insert(id, new GuestCdromService.InsertRequest(chosen[0], chosen[1], blankToNull(target)));
            return "Inserted " + image + " into the CD-ROM drive.";
        });
    }

    @PostMapping("/guests/{id}/cdrom/eject")
    String ejectCdrom(@PathVariable long id, @RequestParam(defaultValue = "") String target,
                      RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/guests/" + id + "/devices", () -> {
            cdroms.eject(id, new GuestCdromService.EjectRequest(blankToNull(target)));
            return "Ejected the CD-ROM" + (target.isBlank() ? "" : " in " + target) + ".";
        });
    }

    /** "pool/volume" split at its first slash (pool names have none); a volume name may hold none either. */
    private static String[] poolAndVolume(String value) {
        int slash = value.indexOf('/');
        if (slash < 1 || slash == value.length() - 1) {
            throw VirtdeckException.invalid("volume", "Choose a volume.");
        }
        return new String[] {value.substring(0, slash), value.substring(slash + 1)};
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

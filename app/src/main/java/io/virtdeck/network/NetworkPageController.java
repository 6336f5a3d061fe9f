package io.virtdeck.network;

import java.util.List;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.hypervisor.NetworkFacts;
import io.virtdeck.inventory.HostService;
import io.virtdeck.web.Flash;

/**
 * A host's Networks page: its virtual networks with their static DHCP entries and leases, a form for a new one,
 * autostart, and deletion.
 */
@Controller
class NetworkPageController {

    private final NetworkService networks;
    private final HostService hosts;

    NetworkPageController(NetworkService networks, HostService hosts) {
        this.networks = networks;
        this.hosts = hosts;
    }

    @GetMapping("/hosts/{id}/networks")
    String list(@PathVariable long id, Model model) {
        model.addAttribute("host", hosts.get(id));
        model.addAttribute("mayOperate", hosts.mayOperate(id));
        List<NetworkService.NetworkView> list = networks.networksWithUsers(id);
        model.addAttribute("networks", list);
        model.addAttribute("leases", networks.leasesOfActiveNetworks(id, list));
        return "network/list";
    }

    /** Empty fields are absent: an isolated network needs no address, a bridge no IPv4. */
    @PostMapping("/hosts/{id}/networks")
    String create(@PathVariable long id, @RequestParam String name, @RequestParam String mode,
                  @RequestParam(defaultValue = "") String bridge, @RequestParam(defaultValue = "") String address,
                  @RequestParam(required = false) Integer prefix, @RequestParam(defaultValue = "") String dhcpStart,
                  @RequestParam(defaultValue = "") String dhcpEnd, RedirectAttributes redirect) {
        NetworkRequest.Ipv4 ipv4 = address.isBlank() ? null : new NetworkRequest.Ipv4(address, prefix,
                blankToNull(dhcpStart), blankToNull(dhcpEnd), null);
        return Flash.redirect(redirect, "/hosts/" + id + "/networks", () -> {
            networks.create(id, new NetworkRequest(name, mode, blankToNull(bridge), ipv4, null));
            return "Network " + name + " made and started.";
        });
    }

    @PostMapping("/hosts/{id}/networks/{name}/autostart")
    String autostart(@PathVariable long id, @PathVariable String name, @RequestParam boolean autostart,
                     RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/hosts/" + id + "/networks", () -> {
            networks.setAutostart(id, name, autostart);
            return "Network " + name + (autostart ? " starts" : " no longer starts") + " with libvirt.";
        });
    }

    @PostMapping("/hosts/{id}/networks/{name}/dhcp-hosts")
    String addDhcpHost(@PathVariable long id, @PathVariable String name, @RequestParam String mac,
                       @RequestParam String ip, @RequestParam(defaultValue = "") String hostname,
                       RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/hosts/" + id + "/networks", () -> {
            networks.addDhcpHost(id, name, new NetworkFacts.DhcpHost(mac, ip, blankToNull(hostname)));
            return "On " + name + ", " + mac + " now always gets " + ip + ".";
        });
    }

    @PostMapping("/hosts/{id}/networks/{name}/dhcp-hosts/{mac}/remove")
    String removeDhcpHost(@PathVariable long id, @PathVariable String name, @PathVariable String mac,
                          RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/hosts/" + id + "/networks", () -> {
            networks.removeDhcpHost(id, name, mac);
            return "Static DHCP entry of " + mac + " removed from " + name + ".";
        });
    }

    @PostMapping("/hosts/{id}/networks/{name}/delete")
    String delete(@PathVariable long id, @PathVariable String name, RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/hosts/" + id + "/networks", () -> {
            networks.delete(id, name);
            return "Network " + name + " deleted.";
        });
    }

    private static String blankToNull(String text) {
        return text.isBlank() ? null : text;
    }
}

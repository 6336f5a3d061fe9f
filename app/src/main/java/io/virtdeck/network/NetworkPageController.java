package io.virtdeck.network;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.inventory.HostService;
import io.virtdeck.web.Flash;

/** A host's Networks page: its virtual networks, a form for a new one, and deletion. */
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
        model.addAttribute("networks", networks.networksWithUsers(id));
        return "network/list";
    }

    /** Empty fields are absent: an isolated network needs no address, a bridge no IPv4. */
    @PostMapping("/hosts/{id}/networks")
    String create(@PathVariable long id, @RequestParam String name, @RequestParam String mode,
                  @RequestParam(defaultValue = "") String bridge, @RequestParam(defaultValue = "") String address,
                  @RequestParam(required = false) Integer prefix, @RequestParam(defaultValue = "") String dhcpStart,
                  @RequestParam(defaultValue = "") String dhcpEnd, RedirectAttributes redirect) {
        NetworkRequest.Ipv4 ipv4 = address.isBlank() ? null : new NetworkRequest.Ipv4(address, prefix,
                blankToNull(dhcpStart), blankToNull(dhcpEnd));
        return Flash.redirect(redirect, "/hosts/" + id + "/networks", () -> {
            networks.create(id, new NetworkRequest(name, mode, blankToNull(bridge), ipv4, null));
            return "Network " + name + " made and started.";
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

package io.virtdeck.inventory;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.web.VirtdeckException;

@Controller
class HostPageController {

    private final HostService hosts;

    HostPageController(HostService hosts) {
        this.hosts = hosts;
    }

    @GetMapping("/hosts")
    String list(Model model) {
        model.addAttribute("hosts", hosts.list());
        model.addAttribute("mayRegister", hosts.mayRegister());
        return "hosts/list";
    }

    @GetMapping("/hosts/{id}")
    String detail(@PathVariable long id, Model model) {
        model.addAttribute("host", hosts.get(id));
        model.addAttribute("mayOperate", hosts.mayOperate(id));
        return "hosts/detail";
    }

    @PostMapping("/hosts")
    String register(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String uri,
                    RedirectAttributes redirect) {
        try {
            Host host = hosts.register(name.trim(), uri.trim());
            redirect.addFlashAttribute("notice", "Host " + host.name() + " registered; connecting.");
            return "redirect:/hosts/" + host.id();
        } catch (VirtdeckException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
            redirect.addFlashAttribute("draftName", name);
            redirect.addFlashAttribute("draftUri", uri);
            return "redirect:/hosts";
        }
    }

    @PostMapping("/hosts/{id}/remove")
    String remove(@PathVariable long id, RedirectAttributes redirect) {
        Host host = hosts.get(id);
        hosts.remove(id);
        redirect.addFlashAttribute("notice", "Host " + host.name() + " is no longer managed; nothing on it was changed.");
        return "redirect:/hosts";
    }
}

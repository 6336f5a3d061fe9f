package io.virtdeck.inventory;

import java.util.List;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;

@Controller
class HostPageController {

    private final HostService hosts;

    HostPageController(HostService hosts) {
        this.hosts = hosts;
    }

    @GetMapping("/hosts")
    String list(@RequestParam(name = "tag", required = false) List<String> tags, Model model) {
        model.addAttribute("hosts", hosts.list(tags));
        model.addAttribute("tagFilter", tags == null ? List.of() : tags);
        model.addAttribute("glances", hosts.glances());
        model.addAttribute("mayRegister", hosts.mayRegister());
        return "inventory/hosts";
    }

    @GetMapping("/hosts/{id}")
    String detail(@PathVariable long id, Model model) {
        model.addAttribute("host", hosts.get(id));
        model.addAttribute("mayOperate", hosts.mayOperate(id));
        return "inventory/host";
    }

    /** The credentials' fields come as form fields of the same names as the API's (credentialsType for type). */
    @PostMapping("/hosts")
    String register(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String uri,
                    CredentialsForm credentials, RedirectAttributes redirect) {
        try {
            Host host = hosts.register(name.trim(), uri.trim(), credentials.request());
            redirect.addFlashAttribute("notice", "Host " + host.name() + " registered; connecting.");
            return "redirect:/hosts/" + host.id();
        } catch (VirtdeckException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
            redirect.addFlashAttribute("draftName", name);
            redirect.addFlashAttribute("draftUri", uri);
            return "redirect:/hosts";
        }
    }

    @PostMapping("/hosts/{id}/credentials")
    String replaceCredentials(@PathVariable long id, CredentialsForm credentials, RedirectAttributes redirect) {
        try {
            Host host = hosts.replaceCredentials(id, credentials.request());
            redirect.addFlashAttribute("notice", "Credentials of " + host.name() + " replaced: "
                    + host.credentials().describe() + ".");
        } catch (VirtdeckException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/hosts/" + id;
    }

    @PostMapping("/hosts/{id}/credentials/remove")
    String removeCredentials(@PathVariable long id, RedirectAttributes redirect) {
        Host host = hosts.removeCredentials(id);
        redirect.addFlashAttribute("notice", "Credentials of " + host.name() + " removed; Virtdeck now connects "
                + "with libvirt's defaults.");
        return "redirect:/hosts/" + id;
    }

    /** The page form's credential fields; the PEM text is never put back into a page. */
    record CredentialsForm(String credentialsType, String keyPath, String privateKey, String knownHostsPath,
                           String knownHosts, String pkiPath, String caCertificate, String clientCertificate,
                           String clientKey) {

        HostCredentialsRequest request() {
            return new HostCredentialsRequest(credentialsType, keyPath, privateKey, knownHostsPath, knownHosts,
                    pkiPath, caCertificate, clientCertificate, clientKey);
        }

        @Override
        public String toString() {
            return request().toString();
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

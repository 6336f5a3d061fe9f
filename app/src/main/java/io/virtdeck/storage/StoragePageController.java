package io.virtdeck.storage;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.PoolAction;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.inventory.HostService;
import io.virtdeck.web.Flash;

/**
 * A host's Storage page: its pools with their actions, one pool's volumes (with the guests using them), and forms to
 * add and delete.
 */
@Controller
class StoragePageController {

    private final StorageService storage;
    private final HostService hosts;

    private final VolumeContentService content;

    StoragePageController(StorageService storage, HostService hosts, VolumeContentService content) {
        this.storage = storage;
        this.hosts = hosts;
        this.content = content;
    }

    /** The volume as a file download; a refusal (in use, unknown) is an error page rather than a broken file. */
    @GetMapping("/hosts/{id}/storage/{pool}/volumes/{volume}/content")
    void download(@PathVariable long id, @PathVariable String pool, @PathVariable String volume,
                  HttpServletResponse response) {
        content.download(id, pool, volume, VolumeContentController.attachment(response, volume));
    }

    @GetMapping("/hosts/{id}/storage")
    String pools(@PathVariable long id, @RequestParam(required = false) String pool, Model model) {
        model.addAttribute("host", hosts.get(id));
        model.addAttribute("mayOperate", hosts.mayOperate(id));
        model.addAttribute("pools", storage.pools(id));
        if (pool != null) {
            model.addAttribute("pool", pool);
            model.addAttribute("volumes", storage.volumes(id, pool));
        }
        return "storage/pools";
    }

    /** The form shows the fields of the chosen type only; fields of other types are ignored, blank ones absent. */
    @PostMapping("/hosts/{id}/storage/pools")
    String createPool(@PathVariable long id, @RequestParam Map<String, String> form, RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/hosts/" + id + "/storage", () -> {
            PoolFacts pool = storage.createPool(id, poolRequest(form));
            return "Pool " + pool.name() + " (" + pool.type() + ") made and started.";
        });
    }

    @PostMapping("/hosts/{id}/storage/pools/{pool}/{action:build|start|stop|refresh}")
    String poolAction(@PathVariable long id, @PathVariable String pool, @PathVariable String action,
                      RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/hosts/" + id + "/storage", () -> {
            storage.poolAction(id, pool, StorageService.poolActionNamed(action));
            return "Pool " + pool + ": " + action + " done.";
        });
    }

    @PostMapping("/hosts/{id}/storage/pools/{pool}/autostart")
    String autostart(@PathVariable long id, @PathVariable String pool, @RequestParam boolean autostart,
                     RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/hosts/" + id + "/storage", () -> {
            storage.poolAction(id, pool, autostart ? PoolAction.AUTOSTART_ON : PoolAction.AUTOSTART_OFF);
            return "Pool " + pool + (autostart ? " starts" : " no longer starts") + " with libvirt.";
        });
    }

    @PostMapping("/hosts/{id}/storage/pools/{pool}/delete")
    String deletePool(@PathVariable long id, @PathVariable String pool, RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/hosts/" + id + "/storage", () -> {
            storage.deletePool(id, pool);
            return "Pool " + pool + " deleted.";
        });
    }

    @PostMapping("/hosts/{id}/storage/{pool}/volumes")
    String createVolume(@PathVariable long id, @PathVariable String pool, @RequestParam String name,
                        @RequestParam(required = false) Long sizeMiB, @RequestParam String format,
                        RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/hosts/" + id + "/storage?pool=" + pool, () -> {
            storage.createVolume(id, pool, new StorageService.VolumeRequest(name, sizeMiB, format));
            return "Volume " + name + " made in " + pool + ".";
        });
    }

    @PostMapping("/hosts/{id}/storage/{pool}/volumes/{volume}/delete")
    String deleteVolume(@PathVariable long id, @PathVariable String pool, @PathVariable String volume,
                        RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/hosts/" + id + "/storage?pool=" + pool, () -> {
            storage.deleteVolume(id, pool, volume);
            return "Volume " + volume + " deleted.";
        });
    }

    private static PoolRequest poolRequest(Map<String, String> form) {
        String type = form.get("type");
        Set<String> fields = PoolChecks.FIELDS.getOrDefault(type, Set.of());
        UnaryOperator<String> field = key -> {
            String value = form.get(key);
            return fields.contains(key) && value != null && !value.isBlank() ? value.trim() : null;
        };
        Integer port = null;
        if (field.apply("port") != null) {
            try {
                port = Integer.valueOf(field.apply("port"));
            } catch (NumberFormatException e) {
                throw VirtdeckException.invalid("port", "port is a number between 1 and 65535.");
            }
        }
        // The build box is offered for LVM pools only: the other kinds are always built (their directory made).
        Boolean build = "logical".equals(type) && field.apply("build") != null ? Boolean.TRUE : null;
        return new PoolRequest(blankToNull(form.get("name")), blankToNull(type), field.apply("path"),
                field.apply("device"), field.apply("format"), field.apply("host"), field.apply("exportPath"),
                field.apply("volumeGroup"), list(field.apply("devices")), port, field.apply("iqn"),
                field.apply("chapUser"), field.apply("secretUuid"), list(field.apply("monitors")),
                field.apply("cephPool"), field.apply("cephUser"), build);
    }

    /** Several values in one text box, separated by commas or spaces. */
    private static List<String> list(String text) {
        return text == null ? null : Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}

package io.virtdeck.storage;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.inventory.HostService;
import io.virtdeck.web.Flash;

/** A host's Storage page: its pools, one pool's volumes (with the guests using them), and forms to add and delete. */
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
        model.addAttribute("pools", storage.pools(id));
        if (pool != null) {
            model.addAttribute("pool", pool);
            model.addAttribute("volumes", storage.volumes(id, pool));
        }
        return "storage/pools";
    }

    @PostMapping("/hosts/{id}/storage/pools")
    String createPool(@PathVariable long id, @RequestParam String name, @RequestParam String path,
                      RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/hosts/" + id + "/storage", () -> {
            storage.createPool(id, new StorageService.PoolRequest(name, "dir", path));
            return "Pool " + name + " made and started.";
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
}

package io.virtdeck.guest.config;

import java.util.List;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.cpu.CpuForm;
import io.virtdeck.guest.cpu.CpuRequest;
import io.virtdeck.hypervisor.DomainCpu;
import io.virtdeck.hypervisor.ResourceLimits;
import io.virtdeck.inventory.Guest;

/** The guest's Configure page: vCPUs, memory, autostart, description, resource limits and CPU in one form. */
@Controller
class GuestConfigPageController {

    private final GuestConfigService config;

    GuestConfigPageController(GuestConfigService config) {
        this.config = config;
    }

    /** The limits the page edits; per-disk caps and vCPU pins are shown and kept (set through the API). */
    record LimitsForm(Long cpuShares, Long cpuQuotaUs, Long cpuPeriodUs, Long memoryHardLimitMiB,
                      Long memorySoftLimitMiB, Integer blkioWeight, String numaMode, String numaNodeset) {

        static LimitsForm of(ResourceLimits limits) {
            return new LimitsForm(limits.cpuShares(), limits.cpuQuotaUs(), limits.cpuPeriodUs(),
                    limits.memoryHardLimitMiB(), limits.memorySoftLimitMiB(), limits.blkioWeight(),
                    limits.numa() == null ? "" : limits.numa().mode(),
                    limits.numa() == null ? "" : limits.numa().nodeset());
        }

        ResourceLimits with(ResourceLimits current) {
            return new ResourceLimits(cpuShares, cpuQuotaUs, cpuPeriodUs, memoryHardLimitMiB, memorySoftLimitMiB,
                    blkioWeight, current.disks(), current.vcpuPins(), numaMode == null || numaMode.isBlank() ? null
                    : new ResourceLimits.NumaPlacement(numaMode, numaNodeset));
        }
    }

    @GetMapping("/guests/{id}/configure")
    String form(@PathVariable long id, Model model) {
        Guest guest = config.editable(id);
        ResourceLimits limits = config.limits(id);
        DomainCpu cpu = config.cpu(id);
        show(model, guest, new GuestChanges(guest.vcpus(), guest.memoryMiB(), guest.autostart(),
                guest.description() == null ? "" : guest.description()), limits, LimitsForm.of(limits),
                CpuForm.of(cpu.cpu()), cpu);
        return "guest/configure";
    }

    private void show(Model model, Guest guest, GuestChanges form, ResourceLimits limits, LimitsForm limitsForm,
                      CpuForm cpuForm, DomainCpu cpu) {
        model.addAttribute("guest", guest);
        model.addAttribute("form", form);
        model.addAttribute("limits", limits);
        model.addAttribute("limitsForm", limitsForm);
        model.addAttribute("cpuForm", cpuForm);
        model.addAttribute("cpuOffer", config.cpuOffer(guest.id(), cpu));
    }

    /** Sends only what changed, so that a running guest is not resized for nothing. */
    @PostMapping("/guests/{id}/configure")
    String save(@PathVariable long id, @RequestParam int vcpus, @RequestParam long memoryMiB,
                @RequestParam(defaultValue = "false") boolean autostart,
                @RequestParam(defaultValue = "") String description, @ModelAttribute LimitsForm limitsForm,
                @RequestParam(name = "cpu.mode", defaultValue = "") String cpuMode,
                @RequestParam(name = "cpu.model", defaultValue = "") String cpuModel,
                @RequestParam(name = "cpu.require", required = false) List<String> cpuRequire,
                @RequestParam(name = "cpu.disable", required = false) List<String> cpuDisable,
                Model model, RedirectAttributes redirect) {
        Guest guest = config.editable(id);
        ResourceLimits current = config.limits(id);
        ResourceLimits limits = limitsForm.with(current);
        DomainCpu currentCpu = config.cpu(id);
        CpuForm cpuForm = new CpuForm();
        cpuForm.setMode(cpuMode);
        cpuForm.setModel(cpuModel);
        cpuForm.setRequire(cpuRequire);
        cpuForm.setDisable(cpuDisable);
        CpuRequest cpu = cpuForm.toRequest();
        GuestChanges changes = new GuestChanges(vcpus == guest.vcpus() ? null : vcpus,
                memoryMiB == guest.memoryMiB() ? null : memoryMiB, autostart == guest.autostart() ? null : autostart,
                description.equals(guest.description() == null ? "" : guest.description()) ? null : description,
                limits.equals(current) ? null : limits,
                cpu == null || cpu.equals(CpuForm.of(currentCpu.cpu()).toRequest()) ? null : cpu);
        try {
            config.change(id, changes);
            redirect.addFlashAttribute("notice", "Saved the configuration of " + guest.name() + ".");
            return "redirect:/guests/" + id;
        } catch (VirtdeckException e) {
            if (e.status().value() == 404) {
                throw e;
            }
            show(model, guest, new GuestChanges(vcpus, memoryMiB, autostart, description), current, limitsForm,
                    cpuForm, currentCpu);
            model.addAttribute("problem", e.getMessage());
            model.addAttribute("problemField", e.field() == null ? null : CpuForm.formField(e.field()));
            return "guest/configure";
        }
    }
}

package io.virtdeck.guest.cpu;

import java.util.ArrayList;
import java.util.List;

import io.virtdeck.hypervisor.GuestCpu;

/**
 * The CPU section of the create and configure pages as posted: a mode (empty: the default, or unchanged), a model for
 * a custom CPU, and the features to require and to disable, each picked from the host's.
 */
public class CpuForm {

    private String mode = "";
    private String model = "";
    private List<String> require = new ArrayList<>();
    private List<String> disable = new ArrayList<>();

    /** The form showing a guest's CPU as it is. */
    public static CpuForm of(GuestCpu cpu) {
        CpuForm form = new CpuForm();
        if (cpu != null) {
            form.mode = cpu.mode().xml();
            form.model = cpu.model() == null ? "" : cpu.model();
            for (GuestCpu.Feature feature : cpu.features()) {
                (feature.policy() == GuestCpu.Policy.REQUIRE ? form.require : form.disable).add(feature.name());
            }
        }
        return form;
    }

    /** The request, or null when no mode is chosen. */
    public CpuRequest toRequest() {
        if (mode.isBlank()) {
            return null;
        }
        List<CpuRequest.Feature> features = new ArrayList<>();
        require.forEach(name -> features.add(new CpuRequest.Feature(name, "require")));
        disable.forEach(name -> features.add(new CpuRequest.Feature(name, "disable")));
        return new CpuRequest(mode, "custom".equals(mode) ? model : null, features);
    }

    /** A refusal's field ({@code cpu.features[2].name}) as the section's controls are named. */
    public static String formField(String field) {
        return field.startsWith("cpu.features") ? "cpu.features" : field;
    }

    public String getMode() {
        return mode;
    }

    public void setMode(String mode) {
        this.mode = mode == null ? "" : mode;
    }

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model == null ? "" : model;
    }

    public List<String> getRequire() {
        return require;
    }

    public void setRequire(List<String> require) {
        this.require = require == null ? new ArrayList<>() : require;
    }

    public List<String> getDisable() {
        return disable;
    }

    public void setDisable(List<String> disable) {
        this.disable = disable == null ? new ArrayList<>() : disable;
    }
}

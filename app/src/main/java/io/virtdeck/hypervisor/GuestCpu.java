package io.virtdeck.hypervisor;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A guest's CPU as its definition states it ({@code <cpu>}): the host's own CPU passed through, the host's model as
 * libvirt expands it at start, or a named model with features required or disabled on top.
 *
 * @param model    the named model ({@link Mode#CUSTOM} only, else null)
 * @param features features on top of the model, in the order given (empty for the host modes)
 */
public record GuestCpu(Mode mode, String model, List<Feature> features) {

    public GuestCpu {
        features = features == null ? List.of() : List.copyOf(features);
    }

    public static GuestCpu of(Mode mode) {
        return new GuestCpu(mode, null, List.of());
    }

    public enum Mode {
        HOST_PASSTHROUGH, HOST_MODEL, CUSTOM;

        /** libvirt's name ({@code <cpu mode=...>}), which the API and the pages use as well. */
        @JsonValue
        public String xml() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The mode of libvirt's name, or null for any other text. */
        public static Mode ofXml(String name) {
            for (Mode mode : values()) {
                if (mode.xml().equals(name)) {
                    return mode;
                }
            }
            return null;
        }
    }

    /** A CPU feature and what the guest's CPU does with it. */
    public record Feature(String name, Policy policy) {
    }

    public enum Policy {
        REQUIRE, DISABLE;

        @JsonValue
        public String xml() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How the audit trail and the pages name it: "custom Westmere +avx2 -vmx". */
    public String describe() {
        StringBuilder text = new StringBuilder(mode.xml());
        if (model != null) {
            text.append(' ').append(model);
        }
        for (Feature feature : features) {
            text.append(' ').append(feature.policy() == Policy.REQUIRE ? '+' : '-').append(feature.name());
        }
        return text.toString();
    }
}

package io.virtdeck.guest;

import java.util.List;
import java.util.regex.Pattern;

import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DomainFacts;

/** The rule for a new guest's name, shared by create and clone: valid (400) and free on its host (409). */
public final class GuestNames {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private GuestNames() {
    }

    /** Returns the name when a new guest may take it on a host with these domains; refuses on field "name". */
    public static String check(String name, List<DomainFacts> domains) {
        if (name == null || name.isBlank()) {
            throw VirtdeckException.invalid("name", "name is required.");
        }
        if (!NAME.matcher(name).matches()) {
            throw VirtdeckException.invalid("name", "name may use letters, digits, '.', '_' and '-', must start"
                    + " with a letter or digit, and may be 64 characters long.");
        }
        if (domains.stream().anyMatch(d -> d.name().equals(name))) {
            throw VirtdeckException.conflict("name", "A guest named '" + name + "' already exists on this host;"
                    + " choose another name.");
        }
        return name;
    }
}

package io.virtdeck.inventory;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

import io.virtdeck.web.VirtdeckException;

/** What a host name and a libvirt URI may look like, checked before anything is stored or connected. */
public final class HostNames {

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    // driver[+transport]: the libvirt URI forms Virtdeck accepts (https://libvirt.org/uri.html)
    private static final Pattern SCHEME = Pattern.compile(
            "(qemu|xen|test|lxc|bhyve|vz|ch|libxl)(\\+(ssh|libssh|libssh2|tcp|tls|unix|ext))?");
    private static final int MAX_URI = 512;

    private HostNames() {
    }

    public static void checkName(String name) {
        if (name == null || name.isBlank()) {
            throw VirtdeckException.invalid("name", "name is required.");
        }
        if (name.length() > 64) {
            throw VirtdeckException.invalid("name", "name must be at most 64 characters.");
        }
        if (!NAME.matcher(name).matches()) {
            throw VirtdeckException.invalid("name", "name may use letters, digits, '.', '_' and '-', "
                    + "and must start with a letter or digit.");
        }
    }

    public static void checkUri(String uri) {
        if (uri == null || uri.isBlank()) {
            throw VirtdeckException.invalid("uri", "uri is required, e.g. qemu+ssh://root@host.example/system.");
        }
        if (uri.length() > MAX_URI) {
            throw VirtdeckException.invalid("uri", "uri must be at most " + MAX_URI + " characters.");
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw VirtdeckException.invalid("uri", "uri is not a valid URI: " + e.getReason() + ".");
        }
        if (parsed.getScheme() == null || !SCHEME.matcher(parsed.getScheme()).matches()) {
            throw VirtdeckException.invalid("uri", "uri must be a libvirt URI such as qemu:///system, "
                    + "qemu+ssh://user@host/system, qemu+tcp://host/system, qemu+tls://host/system, xen:/// "
                    + "or test:///default.");
        }
        if (parsed.getRawPath() == null || parsed.getRawPath().isEmpty()) {
            throw VirtdeckException.invalid("uri", "uri needs a path, e.g. /system or /default.");
        }
    }
}

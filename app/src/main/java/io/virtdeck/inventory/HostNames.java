package io.virtdeck.inventory;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.virtdeck.core.VirtdeckException;

/** What a host name and a libvirt URI may look like, checked before anything is stored or connected. */
public final class HostNames {

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    // driver[+transport]: the libvirt URI forms Virtdeck accepts (https://libvirt.org/uri.html)
    private static final Pattern SCHEME = Pattern.compile(
            "(qemu|xen|test|lxc|bhyve|vz|ch|libxl)(\\+(ssh|libssh|libssh2|tcp|tls|unix|ext))?");
    private static final int MAX_URI = 512;
    /**
     * Remote URI parameters a person may not set (libvirt reads them case-insensitively): command (ext transport) and
     * netcat run programs, socket opens any socket of the Virtdeck server, and keyfile, known_hosts, pkipath and
     * authfile would present files of the Virtdeck server (another host's key, its own) that only an admin may
     * choose, as the host's credentials.
     */
    private static final Map<String, String> REFUSED_PARAMETERS = Map.of(
            "command", "it would run a program on the Virtdeck server",
            "netcat", "it would choose the program run on the host",
            "socket", "it would open a socket of Virtdeck's choosing",
            "keyfile", "give the SSH key as the host's credentials instead",
            "known_hosts", "give known_hosts with the host's credentials instead",
            "pkipath", "give the TLS certificates as the host's credentials instead",
            "authfile", "it would read a file of the Virtdeck server");

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

    /**
     * Refuses the URI parameters that would redirect Virtdeck's credentials or run programs ({@link
     * #REFUSED_PARAMETERS}); for URIs people give, not for Virtdeck's own configuration.
     */
    public static void checkParameters(String uri) {
        String query = URI.create(uri).getRawQuery();
        if (query == null) {
            return;
        }
        for (String pair : query.split("[&;]")) {
            String name = pair.split("=", 2)[0];
            try {
                name = URLDecoder.decode(name, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw VirtdeckException.invalid("uri", "uri has a parameter name that is not valid percent-encoding.");
            }
            String why = REFUSED_PARAMETERS.get(name.strip().toLowerCase(Locale.ROOT));
            if (why != null) {
                throw VirtdeckException.invalid("uri", "uri may not set the parameter '" + name.strip() + "': " + why
                        + ".");
            }
        }
    }
}

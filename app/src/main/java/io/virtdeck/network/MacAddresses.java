package io.virtdeck.network;

import java.util.Locale;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

import io.virtdeck.core.VirtdeckException;

/** MAC addresses of guest NICs and static DHCP entries: checked (unicast, six octets) and made. */
public final class MacAddresses {

    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
    /** QEMU's own prefix (libvirt's as well): what libvirt gives a NIC that comes without an address. */
    private static final String QEMU_PREFIX = "52:54:00";

    private MacAddresses() {
    }

    /** The address in lower case, or 400 naming {@code field}: a NIC's address must be a unicast one. */
    public static String check(String field, String mac) {
        String lower = mac == null ? null : mac.trim().toLowerCase(Locale.ROOT);
        if (lower == null || !MAC.matcher(lower).matches()) {
            throw VirtdeckException.invalid(field, field + " is a MAC address of six octets such as"
                    + " 52:54:00:12:34:56.");
        }
        if ((Integer.parseInt(lower.substring(0, 2), 16) & 1) == 1) {
            throw VirtdeckException.invalid(field, "'" + mac + "' is a multicast address (its first octet is odd):"
                    + " a NIC needs a unicast one, such as 52:54:00:12:34:56.");
        }
        if (lower.equals("00:00:00:00:00:00")) {
            throw VirtdeckException.invalid(field, "00:00:00:00:00:00 is no NIC's address.");
        }
        return lower;
    }

    /** A new address with QEMU's prefix that is not among {@code used} (lower case). */
    public static String generate(Set<String> used, RandomGenerator random) {
        while (true) {
            String mac = String.format("%s:%02x:%02x:%02x", QEMU_PREFIX, random.nextInt(256), random.nextInt(256),
                    random.nextInt(256));
            if (!used.contains(mac)) {
                return mac;
            }
        }
    }
}

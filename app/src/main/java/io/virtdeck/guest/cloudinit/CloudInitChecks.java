package io.virtdeck.guest.cloudinit;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.commons.codec.digest.Sha2Crypt;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import io.virtdeck.core.VirtdeckException;

/**
 * Checks cloud-init settings before anything is made: a refusal names the field ({@code cloudInit.sshKeys[1]} in a
 * create request, {@code sshKeys[1]} on the guest's own endpoint) and says what is wrong. What passes is safe to put
 * in the seed: every value goes there through a YAML serializer, never pasted into text.
 */
final class CloudInitChecks {

    static final int MAX_USER_DATA = 64 * 1024;
    private static final int MAX_KEYS = 32;
    private static final int MAX_NAME_SERVERS = 3; // what resolv.conf reads
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:]*:[0-9a-fA-F:.]*");
    private static final Set<String> KEY_TYPES = Set.of("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
            "sk-ecdsa-sha2-nistp256@openssh.com");
    /** What the form's fields write into user-data: user-data of its own may not set them too. */
    private static final Set<String> FORM_KEYS = Set.of("hostname", "fqdn", "preserve_hostname", "users", "user",
            "ssh_authorized_keys", "password", "chpasswd");

    private final String prefix;

    /** @param prefix put before every field name in a refusal: "cloudInit." in a create request, "" on its own */
    CloudInitChecks(String prefix) {
        this.prefix = prefix;
    }

    /**
     * The checked plan for a guest named {@code guestName} with {@code nicCount} NICs. {@code keptPasswordHash} is the
     * hash set before, kept when the request leaves {@code password} out (null when there is none).
     */
    CloudInitPlan check(CloudInitRequest request, String guestName, int nicCount, String keptPasswordHash) {
        String hostname = hostname(request.hostname(), guestName);
        String user = blankToNull(request.user());
        if (user != null && (!USER.matcher(user).matches() || user.equals("root"))) {
            throw invalid("user", "'" + user + "' cannot be a user's name: lower-case letters, digits, '_' and '-',"
                    + " starting with a letter or '_', at most 32, and not root.");
        }
        List<String> keys = sshKeys(request.sshKeys());
        String passwordHash = password(request.password(), keptPasswordHash);
        if (user == null && (!keys.isEmpty() || passwordHash != null)) {
            throw invalid("user", "Name the user who gets the SSH keys or the password.");
        }
        List<String> dns = nameServers(request.dns(), "dns");
        List<CloudInitRequest.Nic> nics = nics(request.nics(), nicCount);
        String userData = userData(request.userData());
        return CloudInitPlan.of(new CloudInitSettings(hostname, user, keys, dns, nics, userData), passwordHash);
    }

    private String hostname(String given, String guestName) {
        String hostname = blankToNull(given);
        if (hostname == null) {
            String fromName = guestName.toLowerCase(Locale.ROOT);
            if (validHostname(fromName)) {
                return fromName;
            }
            throw invalid("hostname", "The guest's name '" + guestName + "' is not a valid host name: give one"
                    + " (letters, digits and '-', dot-separated).");
        }
        if (!validHostname(hostname.toLowerCase(Locale.ROOT))) {
            throw invalid("hostname", "'" + hostname + "' is not a valid host name: labels of letters, digits and"
                    + " '-' (not first or last), at most 63 each, separated by dots; no spaces.");
        }
        return hostname.toLowerCase(Locale.ROOT);
    }

    private static boolean validHostname(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private List<String> sshKeys(List<String> given) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            String key = given.get(i) == null ? "" : given.get(i).trim();
            if (key.isEmpty()) {
                continue;
            }
            String problem = sshKeyProblem(key);
            if (problem != null) {
                throw invalid("sshKeys[" + i + "]", "Not an OpenSSH public key: " + problem + ". Paste the one line"
                        + " of the .pub file, as \"ssh-ed25519 AAAA... you@example\".");
            }
            keys.add(key);
        }
        if (keys.size() > MAX_KEYS) {
            throw invalid("sshKeys", "At most " + MAX_KEYS + " SSH keys.");
        }
        return keys;
    }

    /** Why the text is not a public key in OpenSSH's one-line form, or null: its blob must name its own type. */
    static String sshKeyProblem(String key) {
        if (key.contains("\n") || key.contains("\r")) {
            return "one key per line";
        }
        String[] parts = key.split("\\s+", 3);
        if (parts.length < 2) {
            return "a type and the key's base64 text are needed";
        }
        if (!KEY_TYPES.contains(parts[0])) {
            return "'" + parts[0] + "' is not a key type (" + String.join(", ", KEY_TYPES.stream().sorted()
                    .toList()) + ")";
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            return "the key's text is not base64";
        }
        ByteBuffer buffer = ByteBuffer.wrap(blob);
        if (blob.length < 4) {
            return "the key is too short";
        }
        int length = buffer.getInt();
        if (length <= 0 || length > blob.length - 4) {
            return "the key's text is damaged";
        }
        String type = new String(blob, 4, length, StandardCharsets.US_ASCII);
        if (!type.equals(parts[0])) {
            return "the key says it is " + (type.matches("[\\x20-\\x7e]+") ? "'" + type + "'" : "something else")
                    + ", not '" + parts[0] + "'";
        }
        if (blob.length < 4 + length + 16) {
            return "the key is cut short";
        }
        return null;
    }

    private String password(String given, String kept) {
        if (given == null) {
            return kept;
        }
        if (given.isEmpty()) {
            return null;
        }
        if (given.length() < 8 || given.length() > 128) {
            throw invalid("password", "A password has 8 to 128 characters.");
        }
        if (given.chars().anyMatch(Character::isISOControl)) {
            throw invalid("password", "A password has no control characters (newlines, tabs).");
        }
        return Sha2Crypt.sha512Crypt(given.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> nameServers(List<String> given, String field) {
        if (given.size() > MAX_NAME_SERVERS) {
            throw invalid(field, "At most " + MAX_NAME_SERVERS + " name servers: the guest's resolver reads no more.");
        }
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            String server = given.get(i) == null ? "" : given.get(i).trim();
            if (ipLiteral(server) == null) {
                throw invalid(field + "[" + i + "]", "'" + server + "' is not an IP address.");
            }
            servers.add(server);
        }
        return servers;
    }

    private List<CloudInitRequest.Nic> nics(List<CloudInitRequest.Nic> given, int nicCount) {
        if (given.size() > nicCount) {
            throw invalid("nics", "Settings for " + given.size() + " NICs, but the guest has " + nicCount + ".");
        }
        List<CloudInitRequest.Nic> nics = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            CloudInitRequest.Nic nic = given.get(i) == null ? new CloudInitRequest.Nic(null, null, null) : given.get(i);
            String field = "nics[" + i + "].";
            List<String> dns = nameServers(nic.dns(), field + "dns");
            String gateway = blankToNull(nic.gateway());
            if (nic.dhcp()) {
                if (gateway != null) {
                    throw invalid(field + "gateway", "A gateway goes with a static address; this NIC takes its"
                            + " address by DHCP (give an address, or leave the gateway out).");
                }
                nics.add(new CloudInitRequest.Nic(null, null, dns));
                continue;
            }
            String address = nic.address().trim();
            Network network = network(address, field + "address");
            if (gateway != null) {
                InetAddress hop = ipLiteral(gateway);
                if (hop == null || hop.getAddress().length != network.address().getAddress().length) {
                    throw invalid(field + "gateway", "'" + gateway + "' is not an IP address of the same family as "
                            + address + ".");
                }
                if (!network.contains(hop)) {
                    throw invalid(field + "gateway", "The gateway " + gateway + " is outside " + address + "'s"
                            + " network: a guest reaches its gateway directly, so it must be inside the prefix.");
                }
                if (hop.equals(network.address())) {
                    throw invalid(field + "gateway", "The gateway cannot be the guest's own address.");
                }
            }
            nics.add(new CloudInitRequest.Nic(address, gateway, dns));
        }
        return nics;
    }

    /** A static address with its prefix ("10.0.0.5/24"), refused where it cannot be a host's address. */
    private Network network(String cidr, String field) {
        int slash = cidr.indexOf('/');
        InetAddress address = slash < 0 ? null : ipLiteral(cidr.substring(0, slash));
        String length = slash < 0 ? "" : cidr.substring(slash + 1);
        if (address == null || !length.matches("\\d{1,3}")) {
            throw invalid(field, "'" + cidr + "' is not an address with its prefix length, as 192.168.10.5/24.");
        }
        int bits = address.getAddress().length * 8;
        int prefix = Integer.parseInt(length);
        if (prefix < 1 || prefix > bits) {
            throw invalid(field, "The prefix length of " + cidr + " is outside 1.." + bits + ".");
        }
        Network network = new Network(address, prefix);
        if (bits == 32 && prefix <= 30 && (network.hostPart().signum() == 0
                || network.hostPart().equals(BigInteger.ONE.shiftLeft(32 - prefix).subtract(BigInteger.ONE)))) {
            throw invalid(field, cidr + " is its network's " + (network.hostPart().signum() == 0 ? "own address"
                    : "broadcast address") + ", not one a guest can have.");
        }
        return network;
    }

    private record Network(InetAddress address, int prefix) {

        BigInteger hostPart() {
            int bits = address.getAddress().length * 8;
            return new BigInteger(1, address.getAddress()).and(BigInteger.ONE.shiftLeft(bits - prefix)
                    .subtract(BigInteger.ONE));
        }

        boolean contains(InetAddress other) {
            int bits = address.getAddress().length * 8;
            return new BigInteger(1, address.getAddress()).shiftRight(bits - prefix)
                    .equals(new BigInteger(1, other.getAddress()).shiftRight(bits - prefix));
        }
    }

    /** The address the text spells, or null: only literals are parsed, so nothing is ever looked up in DNS. */
    private static InetAddress ipLiteral(String text) {
        if (text == null || !(IPV4.matcher(text).matches() || IPV6.matcher(text).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private String userData(String given) {
        String text = blankToNull(given);
        if (text == null) {
            return null;
        }
        if (text.length() > MAX_USER_DATA) {
            throw invalid("userData", "user-data is at most " + MAX_USER_DATA / 1024 + " KiB.");
        }
        Object parsed;
        try {
            parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark();
            throw invalid("userData", "user-data is not valid YAML" + (mark == null ? "" : " (line "
                    + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")") + ": " + e.getProblem() + ".");
        } catch (YAMLException e) {
            throw invalid("userData", "user-data is not valid YAML: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw invalid("userData", "user-data must be cloud-config: a YAML mapping of keys (packages:, runcmd:"
                    + " ...), starting with the line #cloud-config.");
        }
        for (Object key : map.keySet()) {
            if (FORM_KEYS.contains(String.valueOf(key))) {
                throw invalid("userData", "user-data sets '" + key + "', which the form's fields set: use the"
                        + " fields instead.");
            }
        }
        return text;
    }

    private VirtdeckException invalid(String field, String message) {
        return VirtdeckException.invalid(prefix + field, message);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}

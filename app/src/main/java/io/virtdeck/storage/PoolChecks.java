package io.virtdeck.storage;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.PoolSpec;

/** Turns a request into a pool libvirt will take, or a 400 naming the field at fault. Nothing here asks the host. */
final class PoolChecks {

    /** The fields each type takes besides name and type; any other field given is refused. */
    static final Map<String, Set<String>> FIELDS = Map.of(
            "dir", Set.of("path", "build"),
            "fs", Set.of("device", "path", "format", "build"),
            "netfs", Set.of("host", "exportPath", "path", "build"),
            "logical", Set.of("volumeGroup", "devices", "build"),
            "iscsi", Set.of("host", "port", "iqn", "chapUser", "secretUuid"),
            "rbd", Set.of("monitors", "cephPool", "cephUser", "secretUuid"));
    /** File systems libvirt's fs pools mount; "auto" lets the host find out. */
    static final Set<String> FS_FORMATS = Set.of("auto", "ext2", "ext3", "ext4", "xfs", "vfat", "gfs2", "ocfs2");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._/-]{1,250}");
    /** /dev/sdb1, /dev/disk/by-id/wwn-0x5000c500a1b2c3d4, /dev/disk/by-path/pci-0000:00:1f.2-ata-1 */
    private static final Pattern DEVICE = Pattern.compile("/dev/[A-Za-z0-9._:+/-]{1,240}");
    /** A DNS name (labels of letters, digits and inner dashes) or an IPv4 address. */
    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern HOST = Pattern.compile("(?=.{1,253}$)" + LABEL + "(?:\\." + LABEL + ")*");
    private static final Pattern HOST_AND_PORT = Pattern.compile("([^:]+)(?::(\\d{1,5}))?");
    /** RFC 3720: iqn.YYYY-MM.reversed.domain[:unique name], or an EUI-64 name. */
    private static final Pattern IQN = Pattern.compile(
            "iqn\\.\\d{4}-(0[1-9]|1[0-2])\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
                    + "(?::[A-Za-z0-9.:_-]{1,200})?|eui\\.[0-9A-Fa-f]{16}");
    /** LVM's volume group names: no leading dash, not "." or "..". */
    private static final Pattern VOLUME_GROUP = Pattern.compile("(?!\\.\\.?$)[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,126}");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern CEPH_POOL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Top-level directories of the host's own system, never pools nor mount points. */
    private static final Set<String> SYSTEM_DIRECTORIES = Set.of("bin", "boot", "dev", "etc", "lib", "lib32", "lib64",
            "proc", "root", "run", "sbin", "sys", "usr");

    private PoolChecks() {
    }

    /** The pool the request describes; 400 naming the first field at fault. */
    static PoolSpec toPool(PoolRequest request) {
        name("name", request.name());
        if (request.type() == null || !FIELDS.containsKey(request.type())) {
            throw VirtdeckException.invalid("type", "type is one of dir, fs, netfs, logical, iscsi or rbd.");
        }
        refuseForeignFields(request);
        return switch (request.type()) {
            case "dir" -> new PoolSpec.Dir(request.name(), targetPath(request.path()));
            case "fs" -> new PoolSpec.Fs(request.name(), device("device", request.device()),
                    targetPath(request.path()), fsFormat(request.format()));
            case "netfs" -> new PoolSpec.Netfs(request.name(), host("host", request.host()),
                    absolute("exportPath", request.exportPath(), "the directory the NFS server exports, such as"
                            + " /export/images"), targetPath(request.path()));
            case "logical" -> logical(request);
            case "iscsi" -> new PoolSpec.Iscsi(request.name(), host("host", request.host()),
                    port("port", request.port() == null ? 3260 : request.port()), iqn(request.iqn()),
                    auth("chapUser", request.chapUser(), request.secretUuid()));
            default -> new PoolSpec.Rbd(request.name(), monitors(request.monitors()), cephPool(request.cephPool()),
                    auth("cephUser", request.cephUser(), request.secretUuid()));
        };
    }

    /**
     * Whether to build before starting: by default only where building just makes the target directory (dir, fs,
     * netfs); an LVM build writes new physical volumes over its devices, so it is done only when asked.
     */
    static boolean build(PoolRequest request) {
        if (request.build() != null) {
            return request.build();
        }
        return !"logical".equals(request.type());
    }

    private static PoolSpec.Logical logical(PoolRequest request) {
        if (request.volumeGroup() == null || !VOLUME_GROUP.matcher(request.volumeGroup()).matches()) {
            throw VirtdeckException.invalid("volumeGroup", "volumeGroup is the name of an LVM volume group (letters,"
                    + " digits, + _ . -, not starting with a dash), such as vg_guests.");
        }
        List<String> devices = request.devices() == null ? List.of() : request.devices();
        for (String device : devices) {
            device("devices", device);
        }
        if (Boolean.TRUE.equals(request.build()) && devices.isEmpty()) {
            throw VirtdeckException.invalid("devices", "Building an LVM pool makes its volume group from devices:"
                    + " list them in devices, e.g. [\"/dev/sdc\"], or leave build off for a group that exists.");
        }
        return new PoolSpec.Logical(request.name(), request.volumeGroup(), List.copyOf(devices));
    }

    /** Any field the type does not take: a dir pool with an iqn is a mistake worth saying, not ignoring. */
    private static void refuseForeignFields(PoolRequest request) {
        Set<String> allowed = FIELDS.get(request.type());
        for (RecordComponent component : PoolRequest.class.getRecordComponents()) {
            String field = component.getName();
            if (field.equals("name") || field.equals("type") || allowed.contains(field)) {
                continue;
            }
            try {
                if (component.getAccessor().invoke(request) != null) {
                    throw VirtdeckException.invalid(field, field + " is not a field of a " + request.type()
                            + " pool; it takes " + String.join(", ", allowed.stream().sorted().toList()) + ".");
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static void name(String field, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw VirtdeckException.invalid(field, field + " must start with a letter or digit and hold up to 64"
                    + " letters, digits, dots, dashes and underscores.");
        }
    }

    /** An absolute path with no way up (. or ..) and nothing a shell or XML would read twice. */
    private static String absolute(String field, String path, String example) {
        if (path == null || !PATH.matcher(path).matches()) {
            throw VirtdeckException.invalid(field, field + " is an absolute path: " + example + ".");
        }
        for (String part : path.split("/")) {
            if (part.equals(".") || part.equals("..")) {
                throw VirtdeckException.invalid(field, field + " must not step up or sideways (\"..\" or \".\").");
            }
        }
        return path;
    }

    /** Where the pool's volumes live on the host; not in the host's own system directories. */
    private static String targetPath(String path) {
        absolute("path", path, "a directory on the host, such as /var/lib/libvirt/images");
        String top = path.split("/")[1];
        if (SYSTEM_DIRECTORIES.contains(top)) {
            throw VirtdeckException.invalid("path", "path: /" + top + " holds the host's own system: a pool there"
                    + " would let its files be deleted as volumes. Choose a directory for images.");
        }
        return path;
    }

    private static String device(String field, String device) {
        if (device == null || !DEVICE.matcher(device).matches()) {
            throw VirtdeckException.invalid(field, field + " is a block device under /dev, such as /dev/sdb1 or"
                    + " /dev/disk/by-id/wwn-0x5000c500a1b2c3d4.");
        }
        absolute(field, device, "a block device under /dev");
        return device;
    }

    private static String fsFormat(String format) {
        if (format == null) {
            return null;
        }
        if (!FS_FORMATS.contains(format)) {
            throw VirtdeckException.invalid("format", "format is one of " + String.join(", ",
                    FS_FORMATS.stream().sorted().toList()) + " (or left out for auto).");
        }
        return format;
    }

    private static String host(String field, String host) {
        if (host == null || !HOST.matcher(host).matches()) {
            throw VirtdeckException.invalid(field, field + " is a host name or IPv4 address, such as"
                    + " nfs1.example.com or 192.168.1.20.");
        }
        return host;
    }

    private static int port(String field, int port) {
        if (port < 1 || port > 65535) {
            throw VirtdeckException.invalid(field, field + " must be between 1 and 65535.");
        }
        return port;
    }

    private static String iqn(String iqn) {
        if (iqn == null || !IQN.matcher(iqn).matches()) {
            throw VirtdeckException.invalid("iqn", "iqn is the target's iSCSI name, such as"
                    + " iqn.2024-01.com.example:storage.lun1 (iqn.year-month.reversed domain[:name]).");
        }
        return iqn;
    }

    private static String cephPool(String pool) {
        if (pool == null || !CEPH_POOL.matcher(pool).matches()) {
            throw VirtdeckException.invalid("cephPool", "cephPool is the name of the pool in the Ceph cluster, such"
                    + " as rbd or libvirt-pool.");
        }
        return pool;
    }

    private static List<PoolSpec.Monitor> monitors(List<String> monitors) {
        if (monitors == null || monitors.isEmpty()) {
            throw VirtdeckException.invalid("monitors", "monitors lists the Ceph monitors as host or host:port, such"
                    + " as [\"mon1.example.com:6789\", \"mon2.example.com\"].");
        }
        return monitors.stream().map(monitor -> {
            Matcher parts = HOST_AND_PORT.matcher(monitor == null ? "" : monitor);
            if (!parts.matches()) {
                throw VirtdeckException.invalid("monitors", "monitors: '" + monitor + "' is not host or host:port.");
            }
            Integer port = parts.group(2) == null ? null : port("monitors", Integer.parseInt(parts.group(2)));
            return new PoolSpec.Monitor(host("monitors", parts.group(1)), port);
        }).toList();
    }

    /** A login: user and secret come together or not at all; the secret is a libvirt secret's UUID. */
    private static PoolSpec.Auth auth(String userField, String user, String secret) {
        if (user == null && secret == null) {
            return null;
        }
        if (user == null || !USER.matcher(user).matches()) {
            throw VirtdeckException.invalid(userField, userField + " is the user name to log in with (letters,"
                    + " digits, . _ @ -); it goes with secretUuid.");
        }
        if (secret == null || !UUID_TEXT.matcher(secret).matches()) {
            throw VirtdeckException.invalid("secretUuid", "secretUuid is the UUID of the libvirt secret that holds "
                    + userField + "'s password or key (virsh secret-list), such as"
                    + " 2ec115d7-3a88-3ceb-bc12-0ac909a6fd87.");
        }
        return new PoolSpec.Auth(user, UUID.fromString(secret));
    }
}

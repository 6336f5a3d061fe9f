package io.virtdeck.hypervisor;

import java.util.List;
import java.util.UUID;

/**
 * A storage pool to define, one record per kind libvirt offers that Virtdeck makes. Values are checked before they
 * get here (storage/PoolChecks); {@link StorageXml#newPool} turns them into libvirt's pool XML.
 */
public sealed interface PoolSpec {

    String name();

    /** libvirt's pool type: dir, fs, netfs, logical, iscsi, rbd. */
    String type();

    /** Files in a directory of the host. */
    record Dir(String name, String path) implements PoolSpec {
        public String type() {
            return "dir";
        }
    }

    /** A block device with a file system, mounted at {@code path}; {@code format} null lets the host detect it. */
    record Fs(String name, String device, String path, String format) implements PoolSpec {
        public String type() {
            return "fs";
        }
    }

    /** An NFS export, mounted at {@code path}. */
    record Netfs(String name, String host, String exportPath, String path) implements PoolSpec {
        public String type() {
            return "netfs";
        }
    }

    /** An LVM volume group; {@code devices} are the physical volumes a build makes it from (empty: it exists). */
    record Logical(String name, String volumeGroup, List<String> devices) implements PoolSpec {
        public String type() {
            return "logical";
        }
    }

    /** The LUNs of an iSCSI target; {@code chap} null when the target asks for no login. */
    record Iscsi(String name, String host, int port, String iqn, Auth chap) implements PoolSpec {
        public String type() {
            return "iscsi";
        }
    }

    /** A Ceph RBD pool reached through its monitors; {@code cephx} null when the cluster asks for no login. */
    record Rbd(String name, List<Monitor> monitors, String cephPool, Auth cephx) implements PoolSpec {
        public String type() {
            return "rbd";
        }
    }

    /** A user name and the libvirt secret holding its password or key. */
    record Auth(String username, UUID secret) {
    }

    /** A Ceph monitor; {@code port} null for Ceph's default. */
    record Monitor(String host, Integer port) {
    }
}

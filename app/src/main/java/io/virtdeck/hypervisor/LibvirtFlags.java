package io.virtdeck.hypervisor;

/**
 * libvirt's flag and enum values that libvirt-java 0.5.4 does not name (or names only in part), in one place, with
 * the C name each stands for.
 */
final class LibvirtFlags {

    /** virDomainXMLFlags VIR_DOMAIN_XML_SECURE: secrets such as VNC passwords kept in the XML. */
    static final int XML_SECURE = 1;
    /** virDomainXMLFlags VIR_DOMAIN_XML_INACTIVE: the persistent definition, not the running guest's live XML. */
    static final int XML_INACTIVE = 2;
    /** The definition (not the running state) with its secrets: what redefining a domain must start from. */
    static final int DEFINITION_WITH_SECRETS = XML_INACTIVE | XML_SECURE;

    /** virDomainModificationImpact VIR_DOMAIN_AFFECT_LIVE and _CONFIG: the running domain, its definition. */
    static final int AFFECT_LIVE = 1;
    static final int AFFECT_CONFIG = 2;
    /** virDomainBlockResizeFlags VIR_DOMAIN_BLOCK_RESIZE_BYTES: the size is in bytes, not KiB. */
    static final int BLOCK_RESIZE_BYTES = 1;
    /**
     * virDomainBlockCopyFlags VIR_DOMAIN_BLOCK_COPY_REUSE_EXT (write into the volume made beforehand) and
     * VIR_DOMAIN_BLOCK_COPY_TRANSIENT_JOB: libvirt 9.0 refuses a copy of a persistent domain's disk without it ("domain
     * is not transient"); the job then does not outlive the domain's QEMU, and libvirt points the definition at the copy
     * when it pivots.
     */
    static final int BLOCK_COPY_REUSE_EXT = 2;
    static final int BLOCK_COPY_TRANSIENT_JOB = 4;
    /** VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT: end a copy by switching the disk over to it. */
    static final int BLOCK_JOB_ABORT_PIVOT = 2;
    /** VIR_DOMAIN_VCPU_MAXIMUM and VIR_DOMAIN_MEM_MAXIMUM: the maximum, not the current count. */
    static final int VCPU_MAXIMUM = 4;
    static final int MEM_MAXIMUM = 4;

    /** virDomainJobType VIR_DOMAIN_JOB_NONE: the domain runs no job. */
    static final int JOB_NONE = 0;
    /** virDomainGetJobStatsFlags VIR_DOMAIN_JOB_STATS_COMPLETED: the last finished job, not the running one. */
    static final int JOB_STATS_COMPLETED = 1;

    /** virDomainJobType VIR_DOMAIN_JOB_COMPLETED, _FAILED, _CANCELLED: how the last finished job ended. */
    static final int JOB_COMPLETED = 3;
    static final int JOB_FAILED = 4;
    static final int JOB_CANCELLED = 5;
    /** virDomainJobOperation VIR_DOMAIN_JOB_OPERATION_BACKUP, in a job's {@code operation} statistic. */
    static final int JOB_OPERATION_BACKUP = 9;

    /** virDomainBackupBeginFlags VIR_DOMAIN_BACKUP_BEGIN_REUSE_EXTERNAL: write into the target files given. */
    static final int BACKUP_BEGIN_REUSE_EXTERNAL = 1;
    /** virDomainCheckpointDeleteFlags VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY: libvirt's record, not the bitmaps. */
    static final int CHECKPOINT_DELETE_METADATA_ONLY = 2;
    /** virDomainConsoleFlags VIR_DOMAIN_CONSOLE_FORCE: the console is taken from a client holding it. */
    static final int CONSOLE_FORCE = 1;
    /** virStreamFlags VIR_STREAM_NONBLOCK; virStreamRecv then answers -2 while no data waits. */
    static final int STREAM_NONBLOCK = 1;
    static final int STREAM_NO_DATA = -2;
    /** virDomainCreateFlags VIR_DOMAIN_START_PAUSED: QEMU runs the domain's disks but not its vCPUs. */
    static final int START_PAUSED = 1;

    /** virDomainSnapshotCreateFlags VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY. */
    static final int SNAPSHOT_CREATE_DISK_ONLY = 16;
    /** virDomainSnapshotCreateFlags VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC: all disks or none. */
    static final int SNAPSHOT_CREATE_ATOMIC = 128;

    /** virNetworkUpdateFlags VIR_NETWORK_UPDATE_AFFECT_LIVE and _CONFIG: the running network, its definition. */
    static final int NETWORK_AFFECT_LIVE = 1;
    static final int NETWORK_AFFECT_CONFIG = 2;
    /** virNetworkUpdateCommand VIR_NETWORK_UPDATE_COMMAND_DELETE and _ADD_LAST. */
    static final int NETWORK_UPDATE_DELETE = 2;
    static final int NETWORK_UPDATE_ADD_LAST = 3;
    /** virNetworkUpdateSection VIR_NETWORK_SECTION_IP_DHCP_HOST. */
    static final int NETWORK_SECTION_IP_DHCP_HOST = 4;
    /** virIPAddrType VIR_IP_ADDR_TYPE_IPV6. */
    static final int IP_ADDR_IPV6 = 1;

    /** virDomainStatsTypes: the groups of virConnectGetAllDomainStats. */
    static final int STATS_STATE = 1;
    static final int STATS_CPU_TOTAL = 2;
    static final int STATS_BALLOON = 4;
    static final int STATS_INTERFACE = 16;
    static final int STATS_BLOCK = 32;
    /** virConnectGetAllDomainStatsFlags VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE. */
    static final int STATS_ACTIVE_DOMAINS = 1;
    /** virConnectGetAllDomainStatsFlags 0: every domain, running or not. */
    static final int STATS_ALL_DOMAINS = 0;
    /**
     * virDomainShutdownFlagValues, the same numbers as virDomainRebootFlagValues: the ACPI power button only, the guest
     * agent only, a signal to a container's init only (SIGTERM to shut down, SIGHUP to reboot).
     */
    static final int SHUTDOWN_ACPI_POWER_BTN = 1;
    static final int SHUTDOWN_GUEST_AGENT = 2;
    static final int SHUTDOWN_SIGNAL = 8;
    /** virDomainDefineFlags VIR_DOMAIN_DEFINE_VALIDATE: the XML is checked against libvirt's schema first. */
    static final int DEFINE_VALIDATE = 1;
    /** virConnectListAllDomainsFlags: the running domains, the persistent ones, those that start with their host, those saved. */
    static final int LIST_ACTIVE = 1;
    static final int LIST_PERSISTENT = 4;
    static final int LIST_MANAGEDSAVE = 256;
    static final int LIST_AUTOSTART = 1024;
    /** VIR_NODE_CPU_STATS_ALL_CPUS and VIR_NODE_MEMORY_STATS_ALL_CELLS. */
    static final int NODE_STATS_ALL = -1;

    private LibvirtFlags() {
    }
}

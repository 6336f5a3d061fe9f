package io.virtdeck.guest.create;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.stereotype.Component;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.cloudinit.CloudInitPlan;
import io.virtdeck.guest.cloudinit.CloudInitService;
import io.virtdeck.guest.GuestNames;
import io.virtdeck.guest.cpu.CpuRequest;
import io.virtdeck.guest.cpu.GuestCpuCheck;
import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainSpec;
import io.virtdeck.hypervisor.GuestCpu;
import io.virtdeck.hypervisor.GuestPlatform;
import io.virtdeck.hypervisor.GuestVirtualization;
import io.virtdeck.hypervisor.HostFacts;
import io.virtdeck.hypervisor.HostGateway;
import io.virtdeck.hypervisor.NewVolume;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.inventory.Host;

/**
 * Checks a create request against the host as libvirt describes it now, before anything is created: the name is
 * valid and free, vCPUs and memory fit the host, every pool, volume and network exists, the firmware is offered.
 * The first problem found is refused with the field at fault (400, or 409 for what clashes with something there).
 */
@Component
class GuestCreatePlanner {

    static final int MAX_DISKS = 8;
    static final int MAX_NETWORKS = 8;
    static final long MIN_MEMORY_MIB = 16;
    static final long MAX_DISK_MIB = 64L * 1024 * 1024; // 64 TiB
    /** Pool types whose volumes are files, the only ones that can hold qcow2 images. */
    private static final Set<String> FILE_POOLS = Set.of("dir", "fs", "netfs");

    private final HostGateway hostGateway;
    private final DomainGateway domainGateway;
    private final StorageGateway storageGateway;

    GuestCreatePlanner(HostGateway hostGateway, DomainGateway domainGateway, StorageGateway storageGateway) {
        this.hostGateway = hostGateway;
        this.domainGateway = domainGateway;
        this.storageGateway = storageGateway;
    }

    GuestPlan plan(Host host, GuestCreateRequest request) {
        HostView view = new HostView(host.id());
        String name = GuestNames.check(request.name(), view.domains());
        HostFacts facts = hostGateway.hostFacts(host.id());
        int vcpus = vcpus(request.vcpus(), facts);
        long memoryMiB = memory(request.memoryMiB(), facts);
        List<GuestPlan.PlannedDisk> disks = disks(name, request.disks(), view);
        DomainSpec.Disk cdrom = cdrom(request.cdrom(), view);
        List<String> networks = networks(request.networks(), view);
        GuestPlatform platform = accelerated(request.kvm(), hostGateway.guestPlatform(host.id()));
        boolean uefi = uefi(request.firmware(), platform);
        boolean vnc = vnc(request.graphics());
        List<DomainSpec.BootDevice> bootOrder = bootOrder(request.bootOrder(), !disks.isEmpty(), cdrom != null,
                !networks.isEmpty());
        return new GuestPlan(host, UUID.randomUUID(), name, platform, vcpus, memoryMiB, disks, cdrom, networks,
                bootOrder, uefi, vnc, Boolean.TRUE.equals(request.autostart()),
                cloudInit(request, name, disks.size(), networks.size()), cpu(request.cpu(), host, platform));
    }

    /** The CPU asked for, checked against what the host offers guests of this platform; else the default. */
    private GuestCpu cpu(CpuRequest request, Host host, GuestPlatform platform) {
        if (request == null) {
            return DomainSpec.defaultCpu(platform.virtualization());
        }
        return GuestCpuCheck.check(request, hostGateway.cpuOffer(host.id(), platform.virtualization().domainType()),
                host.name(), "cpu");
    }

    /** Checked cloud-init settings, whose seed goes into the pool of the first disk. */
    private static CloudInitPlan cloudInit(GuestCreateRequest request, String name, int disks, int nics) {
        if (request.cloudInit() == null) {
            return null;
        }
        if (disks == 0) {
            throw VirtdeckException.invalid("cloudInit", "cloud-init needs a disk: its seed goes into the first"
                    + " disk's pool, and the guest's system is on a disk.");
        }
        return CloudInitService.check(request.cloudInit(), name, nics);
    }

    private static int vcpus(Integer vcpus, HostFacts host) {
        if (vcpus == null || vcpus < 1) {
            throw VirtdeckException.invalid("vcpus", "vcpus must be 1 or more.");
        }
        if (vcpus > host.cpus()) {
            throw VirtdeckException.invalid("vcpus", "vcpus is " + vcpus + ", but the host has " + host.cpus()
                    + " CPUs.");
        }
        return vcpus;
    }

    private static long memory(Long memoryMiB, HostFacts host) {
        if (memoryMiB == null || memoryMiB < MIN_MEMORY_MIB) {
            throw VirtdeckException.invalid("memoryMiB", "memoryMiB must be " + MIN_MEMORY_MIB + " or more.");
        }
        if (memoryMiB > host.memoryMiB()) {
            throw VirtdeckException.invalid("memoryMiB", "memoryMiB is " + memoryMiB + ", more than the host's "
                    + host.memoryMiB() + " MiB of memory.");
        }
        return memoryMiB;
    }

    private List<GuestPlan.PlannedDisk> disks(String guest, List<GuestCreateRequest.Disk> requested, HostView host) {
        if (requested.size() > MAX_DISKS) {
            throw VirtdeckException.invalid("disks", "A guest is created with " + MAX_DISKS + " disks at most.");
        }
        List<GuestPlan.PlannedDisk> disks = new ArrayList<>();
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            GuestCreateRequest.Disk disk = requested.get(i);
            String field = "disks[" + i + "]";
            if (disk == null || (disk.volume() == null) == (disk.pool() == null)) {
                throw VirtdeckException.invalid(field, "Disk " + (i + 1) + ": give either a pool and sizeMiB for a"
                        + " new volume, or an existing volume as pool/volume.");
            }
            GuestPlan.PlannedDisk planned = disk.volume() != null ? existingDisk(disk.volume(), field, host)
                    : newDisk(guest, i, disk, field, host);
            if (!chosen.add(planned.pool() + "/" + (planned.isNew() ? planned.create().name()
                    : planned.existing().volume()))) {
                throw VirtdeckException.invalid(field + ".volume", "Disk " + (i + 1) + " is already given as"
                        + " another disk of this guest.");
            }
            disks.add(planned);
        }
        return disks;
    }

    private GuestPlan.PlannedDisk newDisk(String guest, int index, GuestCreateRequest.Disk disk, String field,
                                          HostView host) {
        PoolFacts pool = host.activePool(disk.pool(), field + ".pool");
        if (disk.sizeMiB() == null || disk.sizeMiB() < 1 || disk.sizeMiB() > MAX_DISK_MIB) {
            throw VirtdeckException.invalid(field + ".sizeMiB", "Disk " + (index + 1) + ": sizeMiB must be between 1"
                    + " and " + MAX_DISK_MIB + ".");
        }
        String format = disk.format() == null ? "qcow2" : disk.format().toLowerCase(Locale.ROOT);
        if (!format.equals("qcow2") && !format.equals("raw")) {
            throw VirtdeckException.invalid(field + ".format", "Disk " + (index + 1) + ": format must be qcow2 or"
                    + " raw.");
        }
        if (format.equals("qcow2") && !FILE_POOLS.contains(pool.type())) {
            throw VirtdeckException.invalid(field + ".format", "Disk " + (index + 1) + ": pool '" + pool.name()
                    + "' (" + pool.type() + ") holds raw volumes only.");
        }
        String volume = guest + "-disk" + (index + 1) + (format.equals("qcow2") ? ".qcow2" : ".img");
        if (host.volume(pool.name(), volume).isPresent()) {
            throw VirtdeckException.conflict(field + ".pool", "Pool '" + pool.name() + "' already has a volume named '"
                    + volume + "' (left by an earlier guest?); delete it or choose another guest name.");
        }
        return new GuestPlan.PlannedDisk(pool.name(), new NewVolume(volume, disk.sizeMiB(), format), null);
    }

    private GuestPlan.PlannedDisk existingDisk(String reference, String field, HostView host) {
        DomainSpec.Disk disk = host.volumeDisk(reference, field + ".volume", "Disk volume");
        for (DomainFacts domain : host.domains()) {
            for (DiskFacts used : domain.disks()) {
                if (disk.path() != null && disk.path().equals(used.source()) && "disk".equals(used.device())) {
                    throw VirtdeckException.conflict(field + ".volume", "Volume '" + reference + "' is a disk of"
                            + " guest '" + domain.name() + "' already.");
                }
            }
        }
        return new GuestPlan.PlannedDisk(disk.pool(), null, disk);
    }

    private static DomainSpec.Disk cdrom(String reference, HostView host) {
        return reference == null || reference.isBlank() ? null : host.volumeDisk(reference, "cdrom", "CD-ROM image");
    }

    private static List<String> networks(List<String> networks, HostView host) {
        if (networks.size() > MAX_NETWORKS) {
            throw VirtdeckException.invalid("networks", "A guest is created with " + MAX_NETWORKS
                    + " network interfaces at most.");
        }
        for (String network : networks) {
            if (network == null || !host.networks().containsKey(network)) {
                throw VirtdeckException.invalid("networks", "There is no network '" + network + "' on this host.");
            }
        }
        return networks;
    }

    /** KVM where the host offers it, unless turned off (then QEMU emulates the CPU); asking for it elsewhere is an error. */
    private static GuestPlatform accelerated(Boolean kvm, GuestPlatform platform) {
        boolean offered = platform.virtualization() == GuestVirtualization.KVM;
        if (Boolean.TRUE.equals(kvm) && !offered) {
            throw VirtdeckException.invalid("kvm", "This host offers no KVM acceleration (" + switch (
                    platform.virtualization()) {
                case QEMU -> "QEMU emulates the CPU in software here";
                default -> "it is a Xen host";
            } + "); leave kvm out.");
        }
        return offered && Boolean.FALSE.equals(kvm) ? platform.withVirtualization(GuestVirtualization.QEMU) : platform;
    }

    private static boolean uefi(String firmware, GuestPlatform platform) {
        String wanted = firmware == null ? "bios" : firmware.toLowerCase(Locale.ROOT);
        switch (wanted) {
            case "bios" -> {
                return false;
            }
            case "uefi", "efi" -> {
                if (!platform.uefi()) {
                    throw VirtdeckException.invalid("firmware", platform.virtualization() == GuestVirtualization.XEN_PV
                            ? "Xen PV guests boot through their bootloader and have no UEFI firmware."
                            : "This host offers no UEFI firmware for new guests (libvirt lists none); use bios.");
                }
                return true;
            }
            default -> throw VirtdeckException.invalid("firmware", "firmware must be bios or uefi.");
        }
    }

    private static boolean vnc(String graphics) {
        String wanted = graphics == null ? "vnc" : graphics.toLowerCase(Locale.ROOT);
        if (!wanted.equals("vnc") && !wanted.equals("none")) {
            throw VirtdeckException.invalid("graphics", "graphics must be vnc or none.");
        }
        return wanted.equals("vnc");
    }

    /** The order asked for, each device present; by default the CD-ROM, then the disks, else the network. */
    static List<DomainSpec.BootDevice> bootOrder(List<String> asked, boolean disks, boolean cdrom, boolean networks) {
        List<DomainSpec.BootDevice> order = new ArrayList<>();
        for (String name : asked) {
            DomainSpec.BootDevice device = bootDevice(name);
            boolean present = switch (device) {
                case HD -> disks;
                case CDROM -> cdrom;
                case NETWORK -> networks;
            };
            if (!present) {
                throw VirtdeckException.invalid("bootOrder", "bootOrder names " + device.xml()
                        + ", but the guest has none.");
            }
            if (order.contains(device)) {
                throw VirtdeckException.invalid("bootOrder", "bootOrder names " + device.xml() + " twice.");
            }
            order.add(device);
        }
        if (order.isEmpty()) {
            if (cdrom) {
                order.add(DomainSpec.BootDevice.CDROM);
            }
            if (disks) {
                order.add(DomainSpec.BootDevice.HD);
            }
            if (order.isEmpty() && networks) {
                order.add(DomainSpec.BootDevice.NETWORK);
            }
        }
        return order;
    }

    private static DomainSpec.BootDevice bootDevice(String name) {
        for (DomainSpec.BootDevice device : DomainSpec.BootDevice.values()) {
            if (device.xml().equalsIgnoreCase(String.valueOf(name))) {
                return device;
            }
        }
        throw VirtdeckException.invalid("bootOrder", "bootOrder may hold hd, cdrom and network.");
    }

    /** The host's domains, pools, volumes and networks, each read from libvirt once per request when first needed. */
    private final class HostView {
        private final long hostId;
        private List<DomainFacts> domains;
        private Map<String, PoolFacts> pools;
        private Map<String, Boolean> networks;
        private final Map<String, List<VolumeFacts>> volumes = new HashMap<>();

        HostView(long hostId) {
            this.hostId = hostId;
        }

        List<DomainFacts> domains() {
            if (domains == null) {
                domains = domainGateway.listDomains(hostId);
            }
            return domains;
        }

        Map<String, Boolean> networks() {
            if (networks == null) {
                networks = hostGateway.resources(hostId).networks();
            }
            return networks;
        }

        PoolFacts activePool(String name, String field) {
            if (pools == null) {
                pools = new HashMap<>();
                storageGateway.pools(hostId).forEach(p -> pools.put(p.name(), p));
            }
            PoolFacts pool = pools.get(name);
            if (pool == null) {
                throw VirtdeckException.invalid(field, "There is no storage pool '" + name + "' on this host.");
            }
            if (!pool.active()) {
                throw VirtdeckException.invalid(field, "Storage pool '" + name + "' is not active; start it first.");
            }
            return pool;
        }

        Optional<VolumeFacts> volume(String pool, String name) {
            return volumes.computeIfAbsent(pool, p -> storageGateway.volumes(hostId, p)).stream()
                    .filter(v -> v.name().equals(name)).findFirst();
        }

        /** An existing volume named "pool/volume", as a disk of the new guest. */
        DomainSpec.Disk volumeDisk(String reference, String field, String what) {
            int slash = reference.indexOf('/');
            if (slash <= 0 || slash == reference.length() - 1) {
                throw VirtdeckException.invalid(field, what + " must be given as pool/volume, e.g. default/debian.iso.");
            }
            String pool = reference.substring(0, slash);
            activePool(pool, field);
            VolumeFacts volume = volume(pool, reference.substring(slash + 1)).orElseThrow(() ->
                    VirtdeckException.invalid(field, "There is no volume '" + reference.substring(slash + 1)
                            + "' in pool '" + pool + "'."));
            return DomainSpec.Disk.of(pool, volume);
        }
    }
}

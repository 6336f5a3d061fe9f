package io.virtdeck.migration;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.ConnectionGateway;
import io.virtdeck.hypervisor.ConnectionState;
import io.virtdeck.hypervisor.CpuComparison;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.HostGateway;
import io.virtdeck.hypervisor.HostResources;
import io.virtdeck.hypervisor.MigrationGateway;
import io.virtdeck.hypervisor.MigrationNeeds;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.inventory.HostState;

/**
 * Hosts as the inventory and the gateway would report them, for the migration rules without PostgreSQL or libvirt:
 * its gateway answers a host's connection state, resources and CPU comparison, and what the guest needs; nothing else.
 */
final class FakeHosts {

    private final List<Host> hosts = new ArrayList<>();
    private final Map<Long, HostResources> resources = new HashMap<>();
    private final Set<Long> unreachable = new HashSet<>();
    private final Set<Long> unreadable = new HashSet<>();
    private final Set<Long> incompatibleCpus = new HashSet<>();
    private MigrationNeeds needs = needs(Set.of(), Set.of(), null, "x86_64", 0);

    /** A connected host with this much free memory, offering the active network "default" and pool "images". */
    Host add(long id, String name, long freeMemoryMiB) {
        return add(id, name, new HostResources(freeMemoryMiB, "x86_64", Map.of("default", true),
                Map.of("images", true)), false);
    }

    Host add(long id, String name, HostResources offered, boolean maintenance) {
        Host host = new Host(id, name, "qemu+tcp://" + name + "/system",
                maintenance ? HostState.MAINTENANCE : HostState.CONNECTED, null, null, 8, 65_536L, 0, maintenance,
                null, null);
        hosts.add(host);
        resources.put(id, offered);
        return host;
    }

    /** The gateway's connection to the host is down. */
    void unreachable(long id) {
        unreachable.add(id);
    }

    /** Asking for the host's resources fails, as a host that drops the connection mid-call. */
    void unreadable(long id) {
        unreadable.add(id);
    }

    void incompatibleCpu(long id) {
        incompatibleCpus.add(id);
    }

    void guestNeeds(MigrationNeeds needs) {
        this.needs = needs;
    }

    static MigrationNeeds needs(Set<String> networks, Set<String> pools, String cpuXml, String arch, int snapshots) {
        return new MigrationNeeds(networks, pools, Set.of(), Set.of(), cpuXml, arch, snapshots, "kvm");
    }

    static Guest runningGuest(String name, long hostId, long memoryMiB) {
        return new Guest(1, name, UUID.randomUUID(), hostId, "source", DomainRunState.RUNNING, 1, memoryMiB, false,
                true, false, "hvm", List.of(), List.of(), List.of(), null, null, false,
                false);
    }

    HostRepository repository() {
        return new HostRepository(null, null) {
            @Override
            public List<Host> findAll() {
                return List.copyOf(hosts);
            }
        };
    }

    HostGateway hostGateway() {
        return (HostGateway) gateway;
    }

    ConnectionGateway connectionGateway() {
        return (ConnectionGateway) gateway;
    }

    MigrationGateway migrationGateway() {
        return (MigrationGateway) gateway;
    }

    /** One fake for the three gateway families the rules use. */
    private final Object gateway = Proxy.newProxyInstance(FakeHosts.class.getClassLoader(),
            new Class<?>[] {HostGateway.class, ConnectionGateway.class, MigrationGateway.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "state" -> unreachable.contains(args[0]) ? ConnectionState.UNREACHABLE : ConnectionState.CONNECTED;
                case "resources" -> resourcesOf((Long) args[0]);
                case "compareCpu" -> incompatibleCpus.contains(args[0]) ? new CpuComparison(false,
                        "the CPU is incompatible with host CPU: Host CPU does not provide required features: avx512f")
                        : CpuComparison.COMPATIBLE;
                case "migrationNeeds" -> needs;
                default -> throw new UnsupportedOperationException("the fake gateway has no " + method.getName());
            });

    private HostResources resourcesOf(long id) {
        if (unreadable.contains(id)) {
            throw new HypervisorException(HypervisorException.Kind.UNREACHABLE, "connection reset by peer");
        }
        return resources.get(id);
    }
}

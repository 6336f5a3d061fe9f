package io.virtdeck.container;

import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestNames;
import io.virtdeck.hypervisor.ContainerSpec;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.HostFacts;
import io.virtdeck.hypervisor.HostGateway;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.inventory.InventorySync;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import io.virtdeck.undo.MadeSoFar;
import io.virtdeck.undo.UndoJournal;

/**
 * Creates a system container on an LXC host: checks the request against the host, then defines the domain (and sets
 * autostart), recorded before it is made so that a failure, or a Virtdeck killed on the way, leaves no container
 * behind ({@link UndoJournal}). Once defined it is a guest of the inventory like any other (kind CONTAINER): started,
 * shut down, powered off and deleted by the guest actions. Audited as a guest's create.
 */
@Service
public class ContainerService {

    static final long MIN_MEMORY_MIB = 16;
    static final int MAX_PATH = 4096;
    /**
     * The driver types that take containers: libvirt's LXC driver, and its test driver (the simulated hosts), which
     * takes any domain type.
     */
    static final Set<String> CONTAINER_DRIVERS = Set.of("LXC", "TEST");

    private final HostGateway hostGateway;
    private final DomainGateway domainGateway;
    private final HostRepository hosts;
    private final GuestRepository guests;
    private final InventorySync sync;
    private final ExpectedGuestChanges expected;
    private final ActionRunner actions;
    private final UndoJournal journal;
    private final Permissions permissions;

    ContainerService(HostGateway hostGateway, DomainGateway domainGateway, HostRepository hosts,
                     GuestRepository guests, InventorySync sync, ExpectedGuestChanges expected, ActionRunner actions,
                     UndoJournal journal, Permissions permissions) {
        this.hostGateway = hostGateway;
        this.domainGateway = domainGateway;
        this.hosts = hosts;
        this.guests = guests;
        this.sync = sync;
        this.expected = expected;
        this.actions = actions;
        this.journal = journal;
        this.permissions = permissions;
    }

    public Guest create(long hostId, ContainerCreateRequest request) {
        AtomicReference<Plan> planned = new AtomicReference<>();
        AuditObject subject = new AuditObject("guest", null, request.name());
        return actions.plan(AuditAction.GUEST_CREATE, subject)
                .permit(() -> permissions.requireHost(Action.OPERATE, hostId))
                .check(() -> planned.set(plan(openHost(hostId), request)))
                // its DEFINED event is Virtdeck's doing, not a change from outside
                .expecting(() -> expected.expect(hostId, planned.get().spec().uuid()))
                .run(() -> {
                    Plan plan = planned.get();
                    ContainerSpec spec = plan.spec();
                    String step = "defining the container";
                    try (MadeSoFar made = journal.begin(AuditAction.GUEST_CREATE, subject)) {
                        try {
                            made.domain(plan.host(), spec.uuid(), spec.name(),
                                    () -> domainGateway.defineContainer(hostId, spec));
                            if (plan.autostart()) {
                                step = "setting autostart";
                                domainGateway.setAutostart(hostId, spec.uuid(), true);
                            }
                        } catch (HypervisorException e) {
                            String message = "Creating container '" + spec.name() + "' failed while " + step
                                    + ": " + HypervisorErrors.sentence(e) + " " + made.undo();
                            throw e.kind() == HypervisorException.Kind.FAILED ? VirtdeckException.refused(message)
                                    : VirtdeckException.conflict(message);
                        } catch (RuntimeException e) {
                            made.undo();
                            throw e;
                        }
                        made.done();
                    }
                    sync.refreshOrRemove(hostId, spec.uuid());
                    Guest guest = guests.findByHostAndUuid(hostId, spec.uuid()).orElseThrow(() ->
                            VirtdeckException.conflict("'" + spec.name() + "' was created on host '"
                                    + plan.host().name() + "' but cannot be read back yet."));
                    return Done.of(guest, summary(spec)).about(AuditObject.guest(guest.id(), guest.name()));
                });
    }

    /** What is checked and made: the first problem found is refused with the field at fault. */
    private record Plan(Host host, ContainerSpec spec, boolean autostart) {
    }

    private Plan plan(Host host, ContainerCreateRequest request) {
        HostFacts facts = hostGateway.hostFacts(host.id());
        if (!CONTAINER_DRIVERS.contains(facts.hypervisorType())) {
            throw VirtdeckException.conflict("Host '" + host.name() + "' runs " + facts.hypervisorType()
                    + ", not LXC: containers need a host registered with an lxc URI (lxc:///system,"
                    + " lxc+ssh://..., lxc+tcp://...), which may be the same libvirtd as a QEMU host's.");
        }
        String name = GuestNames.check(request.name(), domainGateway.listDomains(host.id()));
        int vcpus = request.vcpus() == null ? 1 : request.vcpus();
        if (vcpus < 1 || vcpus > facts.cpus()) {
            throw VirtdeckException.invalid("vcpus", "vcpus must be between 1 and the host's " + facts.cpus()
                    + " CPUs.");
        }
        if (request.memoryMiB() == null || request.memoryMiB() < MIN_MEMORY_MIB
                || request.memoryMiB() > facts.memoryMiB()) {
            throw VirtdeckException.invalid("memoryMiB", "memoryMiB must be between " + MIN_MEMORY_MIB
                    + " and the host's " + facts.memoryMiB() + " MiB.");
        }
        String network = request.network() == null || request.network().isBlank() ? null : request.network();
        if (network != null && !hostGateway.resources(host.id()).networks().containsKey(network)) {
            throw VirtdeckException.invalid("network", "There is no network '" + network + "' on this host.");
        }
        ContainerSpec spec = new ContainerSpec(UUID.randomUUID(), name, vcpus, request.memoryMiB(),
                rootDirectory(request.rootDirectory()), Boolean.TRUE.equals(request.readOnlyRoot()), network);
        return new Plan(host, spec, Boolean.TRUE.equals(request.autostart()));
    }

    /** An absolute directory path in its plain form; the host's own root is refused (a container would own it). */
    static String rootDirectory(String directory) {
        if (directory == null || directory.isBlank()) {
            throw VirtdeckException.invalid("rootDirectory", "rootDirectory is required: the directory on the host"
                    + " that holds the container's root file system.");
        }
        if (directory.length() > MAX_PATH || !directory.startsWith("/") || directory.chars().anyMatch(c -> c < 32)) {
            throw VirtdeckException.invalid("rootDirectory", "rootDirectory must be an absolute path on the host,"
                    + " such as /var/lib/containers/web1.");
        }
        String normal = Path.of(directory).normalize().toString();
        if (!normal.equals(directory.length() > 1 && directory.endsWith("/")
                ? directory.substring(0, directory.length() - 1) : directory)) {
            throw VirtdeckException.invalid("rootDirectory", "rootDirectory must be written plainly, without '.',"
                    + " '..' or repeated '/'.");
        }
        if (normal.equals("/")) {
            throw VirtdeckException.invalid("rootDirectory", "rootDirectory cannot be the host's own root.");
        }
        return normal;
    }

    private static String summary(ContainerSpec spec) {
        return "container, " + spec.vcpus() + " vCPU, " + spec.memoryMiB() + " MiB, root " + spec.rootDirectory()
                + (spec.readOnlyRoot() ? " (read-only)" : "")
                + (spec.network() != null ? ", network " + spec.network() : ", no network");
    }

    /** A host that takes new guests: known, and not in maintenance. */
    private Host openHost(long hostId) {
        return hosts.findById(hostId)
                .orElseThrow(() -> VirtdeckException.notFound("There is no host with id " + hostId + "."))
                .takingNewGuests();
    }
}

package io.virtdeck.migration;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.security.Action;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.Permissions;

/**
 * Anti-affinity groups: guests that never run on one host together (two database replicas, two DNS servers). The
 * migration checks refuse a target where another member runs, so placement (maintenance, HA restarts) passes such
 * hosts by and an explicit migration there is a 409 naming the group. A group is set by one who may operate every
 * guest in it.
 */
@Service
public class AntiAffinityGroups {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final AntiAffinityRepository repository;
    private final GuestRepository guests;
    private final ActionRunner actions;
    private final Permissions permissions;

    AntiAffinityGroups(AntiAffinityRepository repository, GuestRepository guests, ActionRunner actions,
                       Permissions permissions) {
        this.repository = repository;
        this.guests = guests;
        this.actions = actions;
        this.permissions = permissions;
    }

    /** PUT /api/v1/anti-affinity-groups/{name}: the guests (ids, at least two) that never share a host. */
    public record GroupRequest(List<Long> guests) {
    }

    /** A group as the API shows it (OpenAPI: GET /api/v1/anti-affinity-groups). */
    public record GroupView(String name, List<Member> guests) {

        /** A member where it is now; a guest no longer in the inventory shows by its UUID alone. */
        public record Member(UUID uuid, Long id, String name, String hostName, String state) {
        }

        /**
         * Members that share a host now, in words per host ("alpha-web and beta-db on kvm1"); empty when they are
         * apart. A group keeps guests apart from now on: Virtdeck does not move those already together.
         */
        public List<String> together() {
            Map<String, List<String>> byHost = new TreeMap<>();
            for (Member member : guests) {
                if (member.hostName() != null) {
                    byHost.computeIfAbsent(member.hostName(), host -> new ArrayList<>())
                            .add(member.name() != null ? member.name() : member.uuid().toString());
                }
            }
            return byHost.entrySet().stream().filter(host -> host.getValue().size() > 1)
                    .map(host -> String.join(" and ", host.getValue()) + " on " + host.getKey()).toList();
        }
    }

    public List<GroupView> list() {
        permissions.require(Action.READ_HOST, ObjectRef.root()); // the fleet's rules
        return repository.all().entrySet().stream().map(group -> view(group.getKey(), group.getValue())).toList();
    }

    public GroupView set(String name, GroupRequest request) {
        List<Guest> members = new ArrayList<>();
        return actions.plan(AuditAction.ANTI_AFFINITY_SET, group(name))
                .permit(() -> members.addAll(permittedMembers(request)))
                .check(() -> check(name, members))
                .run(() -> {
                    List<UUID> uuids = members.stream().map(Guest::uuid).distinct().toList();
                    repository.save(name, uuids, CurrentUser.name());
                    return Done.of(view(name, uuids), String.join(", ", members.stream().map(Guest::name).toList()));
                });
    }

    public void delete(String name) {
        actions.plan(AuditAction.ANTI_AFFINITY_DELETE, group(name))
                .permit(() -> permissions.require(Action.OPERATE, ObjectRef.root()))
                .execute(() -> {
                    if (!repository.delete(name)) {
                        throw VirtdeckException.notFound("There is no anti-affinity group '" + name + "'.");
                    }
                });
    }

    /** A running (or paused) member of a group: its guest, host and size. */
    public record RunningMember(long guestId, String guestName, long hostId, long memoryMiB, int vcpus, String group) {
    }

    /**
     * Every running member of every group, one row per guest and group: for the capacity dashboard's N+1 check, which
     * keeps members apart as placement does. Unchecked: its caller has checked that the user reads the hosts.
     */
    public List<RunningMember> runningMembers() {
        return repository.runningMembers();
    }

    /** Why the guest may not run on the host: members of its groups that run there. */
    List<String> problems(Guest guest, Host target) {
        return repository.runningWith(guest.uuid(), target.id()).stream().map(conflict -> "'" + guest.name()
                + "' never runs with '" + conflict.guestName() + "' (anti-affinity group '" + conflict.group()
                + "'), which runs on host '" + target.name() + "'").toList();
    }

    /**
     * The request's guests, each one the user may operate (403); 400 naming {@code guests} for an id that is no guest
     * the user sees (one they may not see is told apart from none by nothing); 403 first for those who may operate
     * nothing.
     */
    private List<Guest> permittedMembers(GroupRequest request) {
        if (permissions.scope(Action.OPERATE, Action.OPERATE).nothing()) {
            throw new AccessDeniedException("not permitted: set an anti-affinity group");
        }
        if (request.guests() == null) {
            return List.of();
        }
        List<Guest> found = new ArrayList<>();
        for (Long id : new LinkedHashSet<>(request.guests())) {
            if (id == null) {
                continue;
            }
            Guest guest = guests.findById(id).filter(g -> permissions.allows(Action.READ_GUEST, ObjectRef.guest(id)))
                    .orElseThrow(() -> VirtdeckException.invalid("guests", "guests lists " + id + ", which is no"
                            + " guest's id."));
            permissions.requireGuest(Action.OPERATE, id);
            found.add(guest);
        }
        return found;
    }

    private static void check(String name, List<Guest> members) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw VirtdeckException.invalid("name", "A group's name is 1 to 64 letters, digits, dots, dashes or"
                    + " underscores, starting with a letter or digit.");
        }
        if (members.stream().map(Guest::uuid).distinct().count() < 2) {
            throw VirtdeckException.invalid("guests", "guests lists at least two guests: those that never run on one"
                    + " host together.");
        }
    }

    private GroupView view(String name, List<UUID> members) {
        return new GroupView(name, members.stream().map(uuid -> {
            Optional<Guest> guest = guests.findByUuid(uuid);
            return new GroupView.Member(uuid, guest.map(Guest::id).orElse(null), guest.map(Guest::name).orElse(null),
                    guest.map(Guest::hostName).orElse(null), guest.map(g -> g.state().name()).orElse(null));
        }).toList());
    }

    private static AuditObject group(String name) {
        return new AuditObject("anti-affinity-group", name, name);
    }
}

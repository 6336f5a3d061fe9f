package io.virtdeck.security;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import io.virtdeck.core.ObjectScope;
import io.virtdeck.core.Role;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.core.Visible;

/**
 * The one permission check of the services: {@link #require(Action, ObjectRef)}. The current user's roles on an object
 * are their role on '/' (users.role, carried as the ROLE_ authority of their login), and every role granted to them
 * or to one of their groups on '/', on the object's host, on the guest itself, or on one of their tags. An object on
 * which they hold no role at all is a 404 with the same message as a missing one (they may not learn that it exists);
 * one they hold a role on that does not permit the action is a 403. A role granted on a tag ('/tags/{tag}') is held on
 * every guest carrying the tag and on every host carrying it (so on its guests too), read from the objects' tags at
 * each check: a guest tagged later is covered at once, an untagged one no longer. A single sign-on login's groups
 * claim ({@link OidcLogin}) adds the grants of the groups it names.
 */
@Component
public class Permissions {

    private final JdbcClient jdbc;

    public Permissions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Checks the action on the object; throws 404 or 403 as above. */
    public void require(Action action, ObjectRef object) {
        Set<Role> roles = rolesOn(object);
        if (!action.permittedByAny(roles)) {
            throw new AccessDeniedException("not permitted: " + action + " on " + object.path());
        }
    }

    /** The current user's roles on the object; 404 when it is missing or they hold none on it. */
    private Set<Role> rolesOn(ObjectRef object) {
        Held held = held();
        if (object instanceof ObjectRef.HostRef host) {
            Set<Role> roles = hostExists(host.id()) ? held.onHost(host.id()) : Set.of();
            if (roles.isEmpty()) {
                throw noHost(host.id());
            }
            return roles;
        }
        if (object instanceof ObjectRef.GuestRef guest) {
            Set<Role> roles = placeOfGuest(guest.id())
                    .map(place -> held.onGuest(guest.id(), place.hostId(), place.tags())).orElse(Set.of());
            if (roles.isEmpty()) {
                throw noGuest(guest.id());
            }
            return roles;
        }
        return held.root();
    }

    public void requireGuest(Action action, long guestId) {
        require(action, ObjectRef.guest(guestId));
    }

    public void requireHost(Action action, long hostId) {
        require(action, ObjectRef.host(hostId));
    }

    /** Whether the check would pass, for pages that show a button only to those who may press it. */
    public boolean allows(Action action, ObjectRef object) {
        try {
            require(action, object);
            return true;
        } catch (AccessDeniedException | VirtdeckException e) {
            return false;
        }
    }

    /**
     * For lists: what the user may see, to be applied in the list's own SQL; {@link Visible#nothing()} when they hold
     * no role anywhere that permits the action.
     */
    public Visible visible(Action action) {
        return visible(held(), action);
    }

    private static Visible visible(Held held, Action action) {
        if (action.permittedByAny(held.root())) {
            return Visible.EVERYTHING;
        }
        return new Visible(false, permitted(held.hosts(), action), permitted(held.guests(), action),
                permitted(held.tags(), action));
    }

    /**
     * For tables of rows about objects (tasks, audit events), in their own SQL: the rows about guests on which the user
     * may {@code onGuests}, and about hosts (and what is on them) on which they may {@code onHosts}.
     */
    public ObjectScope scope(Action onGuests, Action onHosts) {
        Held held = held();
        return new ObjectScope(false, visible(held, onGuests), visible(held, onHosts));
    }

    /** The current user's roles, read once: for a page that decides the buttons of many objects. */
    public Rights rights() {
        return new Rights(held());
    }

    /** As {@link #visible}, but 403 when nothing is: help desk asking for the host list, as before grants. */
    public Visible visibleOrDeny(Action action) {
        Visible visible = visible(action);
        if (visible.nothing()) {
            throw new AccessDeniedException("not permitted anywhere: " + action);
        }
        return visible;
    }

    /** For the navigation: Dashboard and Hosts for whoever may read some host, by their role or a grant. */
    public boolean mayReadSomeHost() {
        return signedIn() && !visible(Action.READ_HOST).nothing();
    }

    /**
     * For the navigation: Tasks and Audit for whoever may read the history of some object; those pages list what is
     * about the objects whose history they may read.
     */
    public boolean mayReadSomeHistory() {
        return signedIn() && !visible(Action.READ_HISTORY).nothing();
    }

    /** For a guest's tabs: its History (the audit entries about it). */
    public boolean mayReadHistoryOfGuest(long guestId) {
        return allows(Action.READ_HISTORY, ObjectRef.guest(guestId));
    }

    private static boolean signedIn() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && !(authentication instanceof AnonymousAuthenticationToken); // not on login
    }

    private static <K> List<K> permitted(Map<K, Set<Role>> byObject, Action action) {
        List<K> ids = new ArrayList<>();
        byObject.forEach((id, roles) -> {
            if (action.permittedByAny(roles)) {
                ids.add(id);
            }
        });
        return ids;
    }

    /**
     * The decisions of {@link #require} for objects a page has just read (so they exist), from roles read once: the
     * same rule, {@link Action#permittedByAny} over the roles held on '/', the host and the guest.
     */
    public static final class Rights {

        private final Held held;

        private Rights(Held held) {
            this.held = held;
        }

        public boolean onGuest(Action action, long guestId, long hostId, List<String> tags) {
            return action.permittedByAny(held.onGuest(guestId, hostId, tags));
        }

        /** Whether the action is permitted on some object: a list shows its column of such buttons then. */
        public boolean somewhere(Action action) {
            return !visible(held, action).nothing();
        }
    }

    /**
     * The roles the current user holds, by object: {@code hosts} includes the hosts carrying a tag they hold a role on;
     * {@code tags} are applied to each guest by its own tags.
     */
    record Held(Set<Role> root, Map<Long, Set<Role>> hosts, Map<Long, Set<Role>> guests, Map<String, Set<Role>> tags) {

        Set<Role> onHost(long hostId) {
            Set<Role> roles = EnumSet.noneOf(Role.class);
            roles.addAll(root);
            roles.addAll(hosts.getOrDefault(hostId, Set.of()));
            return roles;
        }

        Set<Role> onGuest(long guestId, long hostId, List<String> guestTags) {
            Set<Role> roles = onHost(hostId);
            roles.addAll(guests.getOrDefault(guestId, Set.of()));
            for (String tag : guestTags) {
                roles.addAll(tags.getOrDefault(tag, Set.of()));
            }
            return roles;
        }
    }

    private Held held() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !authentication.isAuthenticated()) {
            throw new AccessDeniedException("not logged in");
        }
        Set<Role> root = EnumSet.noneOf(Role.class);
        List<String> claimedGroups = new ArrayList<>();
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            String name = authority.getAuthority();
            if (name != null && name.startsWith("ROLE_")) {
                roleNamed(name.substring(5)).ifPresent(root::add);
            } else if (name != null && name.startsWith(OidcLogin.GROUP_PREFIX)) {
                claimedGroups.add(name.substring(OidcLogin.GROUP_PREFIX.length()));
            }
        }
        Map<Long, Set<Role>> hosts = new HashMap<>();
        Map<Long, Set<Role>> guests = new HashMap<>();
        Map<String, Set<Role>> tags = new HashMap<>();
        jdbc.sql("""
                        SELECT gr.role, gr.host_id, gr.guest_id, gr.tag FROM grants gr
                        WHERE gr.user_id = (SELECT id FROM users WHERE username = :name)
                           OR gr.group_id IN (SELECT m.group_id FROM group_members m
                                              JOIN users u ON u.id = m.user_id WHERE u.username = :name)
                           OR gr.group_id IN (SELECT id FROM user_groups WHERE name = ANY(:claimed))""")
                .param("name", authentication.getName())
                .param("claimed", claimedGroups.toArray(new String[0]))
                .query(rs -> {
                    Role role = Role.valueOf(rs.getString("role"));
                    long host = rs.getLong("host_id");
                    boolean onHost = !rs.wasNull();
                    long guest = rs.getLong("guest_id");
                    boolean onGuest = !rs.wasNull();
                    String tag = rs.getString("tag");
                    if (onHost) {
                        hosts.computeIfAbsent(host, id -> EnumSet.noneOf(Role.class)).add(role);
                    } else if (onGuest) {
                        guests.computeIfAbsent(guest, id -> EnumSet.noneOf(Role.class)).add(role);
                    } else if (tag != null) {
                        tags.computeIfAbsent(tag, t -> EnumSet.noneOf(Role.class)).add(role);
                    } else {
                        root.add(role);
                    }
                });
        if (!tags.isEmpty()) { // hosts are few: their tags are resolved here, and host checks and lists need no more
            jdbc.sql("SELECT id, tags FROM hosts WHERE tags && CAST(:tags AS text[])")
                    .param("tags", tags.keySet().toArray(new String[0]))
                    .query(rs -> {
                        Set<Role> roles = hosts.computeIfAbsent(rs.getLong("id"), id -> EnumSet.noneOf(Role.class));
                        for (String tag : (String[]) rs.getArray("tags").getArray()) {
                            roles.addAll(tags.getOrDefault(tag, Set.of()));
                        }
                    });
        }
        return new Held(root, hosts, guests, tags);
    }

    static Optional<Role> roleNamed(String name) {
        for (Role role : Role.values()) {
            if (role.name().equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    private boolean hostExists(long hostId) {
        return jdbc.sql("SELECT count(*) FROM hosts WHERE id = :id").param("id", hostId).query(Long.class).single() > 0;
    }

    /** Where a guest sits for its permissions: its host and its tags. */
    private record GuestPlace(long hostId, List<String> tags) {
    }

    private Optional<GuestPlace> placeOfGuest(long guestId) {
        return jdbc.sql("SELECT host_id, tags FROM guests WHERE id = :id").param("id", guestId)
                .query((rs, n) -> new GuestPlace(rs.getLong("host_id"),
                        List.of((String[]) rs.getArray("tags").getArray())))
                .optional();
    }

    // the same texts as GuestRepository.require and HostRepository.require: a hidden object reads as a missing one
    private static VirtdeckException noGuest(long id) {
        return VirtdeckException.notFound("There is no guest with id " + id + ".");
    }

    private static VirtdeckException noHost(long id) {
        return VirtdeckException.notFound("There is no host with id " + id + ".");
    }
}

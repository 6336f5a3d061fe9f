package io.virtdeck.security;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionPlan;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.Role;
import io.virtdeck.core.Tags;
import io.virtdeck.core.VirtdeckException;

/** Granting roles on objects and keeping groups, for administrators only; every change is audited. */
@Service
public class GrantService {

    /** Group names as OIDC claims carry them: letters, digits and . _ - (no spaces, no slashes). */
    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final GrantRepository grants;
    private final Permissions permissions;
    private final ActionRunner actions;

    public GrantService(GrantRepository grants, Permissions permissions, ActionRunner actions) {
        this.grants = grants;
        this.permissions = permissions;
        this.actions = actions;
    }

    /** A change to grants or groups: administrators' work. */
    private ActionPlan administering(AuditAction action, AuditObject subject) {
        return actions.plan(action, subject).permit(() -> permissions.require(Action.ADMINISTER, ObjectRef.root()));
    }

    public List<Grant> list() {
        permissions.require(Action.ADMINISTER, ObjectRef.root());
        return grants.findAll();
    }

    /** Grants the role on the path to the user or group: 400 naming the field at fault, 409 when already granted. */
    public Grant add(Grant.Request request) {
        return administering(AuditAction.GRANT_ADD, new AuditObject("grant", null, request.path()))
                .run(() -> grant(request));
    }

    private Done<Grant> grant(Grant.Request request) {
        boolean toUser = request.user() != null && !request.user().isBlank();
        boolean toGroup = request.group() != null && !request.group().isBlank();
        if (toUser == toGroup) {
            throw VirtdeckException.invalid(toUser ? "group" : "user", "Give either user or group, not "
                    + (toUser ? "both." : "neither."));
        }
        ObjectRef object = ObjectRef.parse(request.path());
        if (object == null) {
            throw VirtdeckException.invalid("path", "path is '/', '/hosts/{id}', '/guests/{id}' or '/tags/{tag}' ("
                    + Tags.RULE + ").");
        }
        if (!grants.objectExists(object)) {
            throw VirtdeckException.invalid("path", "There is nothing at " + object.path() + ".");
        }
        Role role = role(request.role());
        Long userId = toUser ? grants.userId(request.user()).orElseThrow(() ->
                VirtdeckException.invalid("user", "There is no user named '" + request.user() + "'.")) : null;
        Long groupId = toGroup ? grants.groupId(request.group()).orElseThrow(() ->
                VirtdeckException.invalid("group", "There is no group named '" + request.group() + "'.")) : null;
        String subject = toUser ? "user " + request.user() : "group " + request.group();
        long id = grants.insert(userId, groupId, object, role, CurrentUser.name()).orElseThrow(() ->
                VirtdeckException.conflict("role", subject + " already holds " + role + " on " + object.path() + "."));
        return Done.of(grants.findById(id).orElseThrow(), role + " on " + object.path() + " to " + subject)
                .about(grantObject(id, object));
    }

    public void remove(long id) {
        permissions.require(Action.ADMINISTER, ObjectRef.root()); // before the lookup: ids say nothing to others
        Grant grant = grants.findById(id)
                .orElseThrow(() -> VirtdeckException.notFound("There is no grant with id " + id + "."));
        administering(AuditAction.GRANT_REMOVE, new AuditObject("grant", Long.toString(id), grant.path())).run(() -> {
            grants.delete(id);
            return Done.noted(grant.role() + " on " + grant.path() + " from " + grant.subjectType() + " "
                    + grant.subject());
        });
    }

    public List<UserGroup> groups() {
        permissions.require(Action.ADMINISTER, ObjectRef.root());
        return grants.groups();
    }

    public UserGroup createGroup(String name) {
        return administering(AuditAction.GROUP_CREATE, new AuditObject("group", null, name)).check(() -> {
            if (name == null || !GROUP_NAME.matcher(name).matches()) {
                throw VirtdeckException.invalid("name", "name is 1 to 64 letters, digits, '.', '_' or '-', "
                        + "starting with a letter or digit.");
            }
        }).run(() -> {
            long id = grants.createGroup(name).orElseThrow(() ->
                    VirtdeckException.conflict("name", "A group named '" + name + "' exists."));
            return Done.of(grants.group(id).orElseThrow()).about(groupObject(id, name));
        });
    }

    /** Deletes the group and, with it, its memberships and the grants it held. */
    public void deleteGroup(long id) {
        permissions.require(Action.ADMINISTER, ObjectRef.root()); // before the lookup: ids say nothing to others
        UserGroup group = requireGroup(id);
        administering(AuditAction.GROUP_DELETE, groupObject(id, group.name())).run(() -> {
            grants.deleteGroup(id);
            return Done.noted("members: " + String.join(", ", group.members()));
        });
    }

    public UserGroup addMember(long groupId, String username) {
        permissions.require(Action.ADMINISTER, ObjectRef.root()); // before the lookup: ids say nothing to others
        UserGroup group = requireGroup(groupId);
        if (group.members().contains(username)) {
            return group; // already a member: nothing changes, nothing to audit
        }
        return administering(AuditAction.GROUP_MEMBER_ADD, groupObject(groupId, group.name())).run(() -> {
            grants.addMember(groupId, userId(username));
            return Done.of(grants.group(groupId).orElseThrow(), username);
        });
    }

    public UserGroup removeMember(long groupId, String username) {
        permissions.require(Action.ADMINISTER, ObjectRef.root()); // before the lookup: ids say nothing to others
        UserGroup group = requireGroup(groupId);
        return administering(AuditAction.GROUP_MEMBER_REMOVE, groupObject(groupId, group.name())).run(() -> {
            if (!grants.removeMember(groupId, userId(username))) {
                throw VirtdeckException.notFound("'" + username + "' is not a member of " + group.name() + ".");
            }
            return Done.of(grants.group(groupId).orElseThrow(), username);
        });
    }

    private UserGroup requireGroup(long id) {
        return grants.group(id).orElseThrow(() -> VirtdeckException.notFound("There is no group with id " + id + "."));
    }

    private long userId(String username) {
        return grants.userId(username).orElseThrow(() ->
                VirtdeckException.notFound("There is no user named '" + username + "'."));
    }

    private static Role role(String name) {
        return Permissions.roleNamed(name == null ? "" : name.trim().toUpperCase(Locale.ROOT)).orElseThrow(() ->
                VirtdeckException.invalid("role", "role is ADMIN, OPERATOR, HELPDESK or VIEWER."));
    }

    private static AuditObject grantObject(long id, ObjectRef object) {
        return new AuditObject("grant", Long.toString(id), object.path());
    }

    private static AuditObject groupObject(long id, String name) {
        return new AuditObject("group", Long.toString(id), name);
    }
}

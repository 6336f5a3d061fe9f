package io.virtdeck.security;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.Role;
import io.virtdeck.core.VirtdeckException;

/** Granting roles on objects and keeping groups, for administrators only; every change is audited. */
@Service
public class GrantService {

    /** Group names as OIDC claims carry them: letters, digits and . _ - (no spaces, no slashes). */
    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final GrantRepository grants;
    private final Permissions permissions;
    private final AuditLog audit;

    public GrantService(GrantRepository grants, Permissions permissions, AuditLog audit) {
        this.grants = grants;
        this.permissions = permissions;
        this.audit = audit;
    }

    public List<Grant> list() {
        permissions.require(Action.ADMINISTER, ObjectRef.root());
        return grants.findAll();
    }

    /** Grants the role on the path to the user or group: 400 naming the field at fault, 409 when already granted. */
    public Grant add(Grant.Request request) {
        permissions.require(Action.ADMINISTER, ObjectRef.root());
        boolean toUser = request.user() != null && !request.user().isBlank();
        boolean toGroup = request.group() != null && !request.group().isBlank();
        if (toUser == toGroup) {
            throw VirtdeckException.invalid(toUser ? "group" : "user", "Give either user or group, not "
                    + (toUser ? "both." : "neither."));
        }
        ObjectRef object = ObjectRef.parse(request.path());
        if (object == null) {
            throw VirtdeckException.invalid("path", "path is '/', '/hosts/{id}' or '/guests/{id}'.");
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
        audit.record(AuditAction.GRANT_ADD, grantObject(id, object), Outcome.SUCCESS, role + " on " + object.path() + " to "
                + subject);
        return grants.findById(id).orElseThrow();
    }

    public void remove(long id) {
        permissions.require(Action.ADMINISTER, ObjectRef.root());
        Grant grant = grants.findById(id)
                .orElseThrow(() -> VirtdeckException.notFound("There is no grant with id " + id + "."));
        grants.delete(id);
        audit.record(AuditAction.GRANT_REMOVE, new AuditObject("grant", Long.toString(id), grant.path()), Outcome.SUCCESS,
                grant.role() + " on " + grant.path() + " from " + grant.subjectType() + " " + grant.subject());
    }

    public List<UserGroup> groups() {
        permissions.require(Action.ADMINISTER, ObjectRef.root());
        return grants.groups();
    }

    public UserGroup createGroup(String name) {
        permissions.require(Action.ADMINISTER, ObjectRef.root());
        if (name == null || !GROUP_NAME.matcher(name).matches()) {
            throw VirtdeckException.invalid("name", "name is 1 to 64 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit.");
        }
        long id = grants.createGroup(name).orElseThrow(() ->
                VirtdeckException.conflict("name", "A group named '" + name + "' exists."));
        audit.record(AuditAction.GROUP_CREATE, groupObject(id, name), Outcome.SUCCESS, null);
        return grants.group(id).orElseThrow();
    }

    /** Deletes the group and, with it, its memberships and the grants it held. */
    public void deleteGroup(long id) {
        permissions.require(Action.ADMINISTER, ObjectRef.root());
        UserGroup group = requireGroup(id);
        grants.deleteGroup(id);
        audit.record(AuditAction.GROUP_DELETE, groupObject(id, group.name()), Outcome.SUCCESS,
                "members: " + String.join(", ", group.members()));
    }

    public UserGroup addMember(long groupId, String username) {
        permissions.require(Action.ADMINISTER, ObjectRef.root());
        UserGroup group = requireGroup(groupId);
        if (grants.addMember(groupId, userId(username))) {
            audit.record(AuditAction.GROUP_MEMBER_ADD, groupObject(groupId, group.name()), Outcome.SUCCESS, username);
        }
        return grants.group(groupId).orElseThrow();
    }

    public UserGroup removeMember(long groupId, String username) {
        permissions.require(Action.ADMINISTER, ObjectRef.root());
        UserGroup group = requireGroup(groupId);
        if (!grants.removeMember(groupId, userId(username))) {
            throw VirtdeckException.notFound("'" + username + "' is not a member of " + group.name() + ".");
        }
        audit.record(AuditAction.GROUP_MEMBER_REMOVE, groupObject(groupId, group.name()), Outcome.SUCCESS, username);
        return grants.group(groupId).orElseThrow();
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

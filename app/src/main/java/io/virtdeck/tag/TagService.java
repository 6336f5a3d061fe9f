package io.virtdeck.tag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.cluster.InventoryChanged;
import io.virtdeck.core.Tags;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.core.Visible;
import io.virtdeck.security.Action;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.Permissions;
import io.virtdeck.tag.TagRepository.Tagged;

/**
 * Tags on guests and hosts: set, added, removed by those who may operate the object (ADMIN, OPERATOR where granted),
 * each change audited; read by everyone who may read the object (with the guest and host themselves). Tags are
 * Virtdeck's own: nothing goes to libvirt, so a guest busy with a task (a migration, a backup) can be tagged meanwhile.
 * {@link #addToGuest} and {@link #removeFromGuest} are also the per-guest step of bulk actions.
 */
@Service
public class TagService {

    /** How long the tags in use are remembered for one visibility (another instance's changes show after it). */
    static final Duration IN_USE_FOR = Duration.ofSeconds(10);

    private final TagRepository tags;
    private final Permissions permissions;
    private final ActionRunner actions;
    private final ApplicationEventPublisher events;
    /** Counting the tags reads every tagged guest (50,000: a few hundred ms on a busy machine): remembered briefly. */
    private final Cache<List<Visible>, List<TagUse>> inUse =
            Caffeine.newBuilder().expireAfterWrite(IN_USE_FOR).maximumSize(1_000).build();

    TagService(TagRepository tags, Permissions permissions, ActionRunner actions, ApplicationEventPublisher events) {
        this.tags = tags;
        this.permissions = permissions;
        this.actions = actions;
        this.events = events;
    }

    /**
     * The tags in use on the guests and hosts the user may see, with their counts, by tag: counted at most every
     * {@link #IN_USE_FOR} for the same visibility, and again after any change of tags on this instance.
     */
    public List<TagUse> inUse() {
        Visible guests = permissions.visibleOrDeny(Action.READ_GUEST);
        Visible hosts = permissions.visible(Action.READ_HOST);
        return inUse.get(List.of(guests, hosts), key -> tags.inUse(guests, hosts));
    }

    /** Replaces the guest's tags; returns them. 400 naming {@code tags}, 403/404 as every guest action. */
    public List<String> setOnGuest(long guestId, Collection<String> newTags) {
        return change(Tagged.GUEST, guestId, () -> tags.set(Tagged.GUEST, guestId,
                Tags.requireFew(Tags.requireAll(newTags, "tags"), "tags")));
    }

    /** Adds the tags to the guest (those it carries already stay once); returns its tags. */
    public List<String> addToGuest(long guestId, Collection<String> added) {
        return change(Tagged.GUEST, guestId, () -> add(Tagged.GUEST, guestId, added));
    }

    /** Removes the tags from the guest (those it does not carry are no error); returns its tags. */
    public List<String> removeFromGuest(long guestId, Collection<String> removed) {
        return change(Tagged.GUEST, guestId, () -> tags.remove(Tagged.GUEST, guestId,
                Tags.requireAll(removed, "tags")));
    }

    public List<String> setOnHost(long hostId, Collection<String> newTags) {
        return change(Tagged.HOST, hostId, () -> tags.set(Tagged.HOST, hostId,
                Tags.requireFew(Tags.requireAll(newTags, "tags"), "tags")));
    }

    public List<String> addToHost(long hostId, Collection<String> added) {
        return change(Tagged.HOST, hostId, () -> add(Tagged.HOST, hostId, added));
    }

    public List<String> removeFromHost(long hostId, Collection<String> removed) {
        return change(Tagged.HOST, hostId, () -> tags.remove(Tagged.HOST, hostId, Tags.requireAll(removed, "tags")));
    }

    private List<String> add(Tagged kind, long id, Collection<String> added) {
        List<String> checked = Tags.requireAll(added, "tags");
        return tags.add(kind, id, checked).orElseThrow(() -> VirtdeckException.invalid("tags",
                "An object carries at most " + Tags.MAX_PER_OBJECT + " tags: remove some before adding these."));
    }

    /** The change, permitted to those who may operate the object and audited with its tags before and after. */
    private List<String> change(Tagged kind, long id, Supplier<List<String>> work) {
        ObjectRef object = kind == Tagged.GUEST ? ObjectRef.guest(id) : ObjectRef.host(id);
        // a hidden object's refusal (permit) reads as a missing one's: the same 404 and text
        TagRepository.Named before = tags.find(kind, id).orElseThrow(() -> VirtdeckException.notFound(
                "There is no " + (kind == Tagged.GUEST ? "guest" : "host") + " with id " + id + "."));
        AuditObject subject = kind == Tagged.GUEST ? AuditObject.guest(id, before.name())
                : AuditObject.host(id, before.name());
        return actions.plan(kind == Tagged.GUEST ? AuditAction.GUEST_TAGS : AuditAction.HOST_TAGS, subject)
                .permit(() -> permissions.require(Action.OPERATE, object))
                .evenWhileBusy()
                .refreshing(() -> events.publishEvent(kind == Tagged.GUEST
                        ? new InventoryChanged.GuestChanged(id, false) : new InventoryChanged.HostChanged(id, false)))
                .run(() -> {
                    List<String> after = work.get();
                    inUse.invalidateAll();
                    return Done.of(after, describe(before.tags(), after));
                });
    }

    /** For the audit trail: what was added and removed. */
    private static String describe(List<String> before, List<String> after) {
        List<String> added = new ArrayList<>(after);
        added.removeAll(before);
        List<String> removed = new ArrayList<>(before);
        removed.removeAll(after);
        List<String> parts = new ArrayList<>();
        if (!added.isEmpty()) {
            parts.add("added " + String.join(", ", added));
        }
        if (!removed.isEmpty()) {
            parts.add("removed " + String.join(", ", removed));
        }
        return parts.isEmpty() ? "unchanged: " + (after.isEmpty() ? "no tags" : String.join(", ", after))
                : String.join("; ", parts);
    }
}

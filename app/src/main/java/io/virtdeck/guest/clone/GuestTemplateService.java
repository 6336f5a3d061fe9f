package io.virtdeck.guest.clone;

import org.springframework.stereotype.Service;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestActionRunner;
import io.virtdeck.guest.GuestActions;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;

/**
 * Marks a guest as a template, or unmarks it. A template is not started (its linked clones read its disks), so only
 * a shut-off guest is marked. The mark is Virtdeck's own, kept in the inventory; libvirt does not hold it.
 */
@Service
public class GuestTemplateService {

    private final GuestRepository guests;
    private final GuestActionRunner actions;

    private final Permissions permissions;

    GuestTemplateService(GuestRepository guests, GuestActionRunner actions, Permissions permissions) {
        this.permissions = permissions;
        this.guests = guests;
        this.actions = actions;
    }

    public Guest mark(long guestId, boolean template) {
        permissions.requireGuest(Action.OPERATE, guestId);
        Guest guest = guests.require(guestId);
        actions.run(guest, template ? "guest.template.mark" : "guest.template.unmark", live -> {
            if (template && live.state() != DomainRunState.SHUTOFF) {
                throw VirtdeckException.conflict("'" + guest.name() + "' is " + GuestActions.describe(live.state())
                        + ": shut it down before marking it as a template.");
            }
        }, () -> {
            guests.setTemplate(guestId, template);
            return new GuestActionRunner.Done<Void>(null, template ? "marked as a template" : "no longer a template");
        });
        return guests.require(guestId);
    }
}

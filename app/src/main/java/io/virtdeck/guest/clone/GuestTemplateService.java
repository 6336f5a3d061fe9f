package io.virtdeck.guest.clone;

import org.springframework.stereotype.Service;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestActionPlans;
import io.virtdeck.guest.GuestActions;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;

/**
 * Marks a guest as a template, or unmarks it. A template is not started (its linked clones read its disks), so only
 * a shut-off guest is marked. The mark is Virtdeck's own, kept in the inventory; libvirt does not hold it.
 */
@Service
public class GuestTemplateService {

    private final GuestRepository guests;
    private final GuestActionPlans plans;

    GuestTemplateService(GuestRepository guests, GuestActionPlans plans) {
        this.guests = guests;
        this.plans = plans;
    }

    public Guest mark(long guestId, boolean template) {
        Guest guest = guests.require(guestId);
        plans.plan(guest, template ? AuditAction.GUEST_TEMPLATE_MARK : AuditAction.GUEST_TEMPLATE_UNMARK, live -> {
            if (template && live.state() != DomainRunState.SHUTOFF) {
                throw VirtdeckException.conflict("'" + guest.name() + "' is " + GuestActions.describe(live.state())
                        + ": shut it down before marking it as a template.");
            }
        }).run(() -> {
            guests.setTemplate(guestId, template);
            return Done.noted(template ? "marked as a template" : "no longer a template");
        });
        return guests.require(guestId);
    }
}

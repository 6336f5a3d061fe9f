package io.virtdeck.guest;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;
import io.virtdeck.hypervisor.DomainAction;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.inventory.GuestKind;

/**
 * The power buttons a guest's state allows, for the pages ({@code ${@guestActionButtons.forState(...)}}). Actions that
 * lose unsaved work carry the question the page asks before posting.
 */
@Component
public class GuestActionButtons {

    public record Button(String path, String label, boolean destructive, String confirm) {
    }

    /**
     * A template is never started: it has no Start button. A saved (hibernated) guest's Start button says Restore:
     * starting it brings back its saved memory. A container has no Hibernate button.
     */
    public List<Button> forState(String guestName, DomainRunState state, boolean managedSave, boolean template,
                                 GuestKind kind) {
        List<Button> buttons = new ArrayList<>();
        for (DomainAction action : DomainAction.values()) {
            if (!GuestActions.fits(action, state, managedSave) || template && action == DomainAction.START
                    || !GuestActions.appliesTo(action, kind)) {
                continue;
            }
            boolean destructive = action == DomainAction.POWEROFF || action == DomainAction.RESET
                    || action == DomainAction.DISCARD_SAVE;
            String label = action == DomainAction.START && managedSave ? "Restore" : GuestActions.label(action);
            String question = action == DomainAction.DISCARD_SAVE
                    ? "Discard the saved memory of " + guestName + "? It then starts afresh, as after a power cut;"
                    + " unsaved work in the guest is lost."
                    : label + " " + guestName + "? Unsaved work in the guest is lost, as if its power cord was pulled.";
            buttons.add(new Button(GuestActions.urlName(action), label, destructive, destructive ? question : null));
        }
        return buttons;
    }
}

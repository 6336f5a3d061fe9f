package io.virtdeck.guest;

import java.util.List;

import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;

/**
 * What the guest list shows on each row and which of its columns: the power buttons where the user may operate the
 * guest, the console link where they may open it, each decided per guest by {@link Permissions} (their role on '/',
 * the guest's host, the guest and its tags), with the roles read once for the whole page.
 */
public record GuestListRights(Permissions.Rights rights) {

    /** The row's guest by its id, host and tags: the list's rows and a row fetched alone are of two record types. */
    public boolean operate(long guestId, long hostId, List<String> tags) {
        return rights.onGuest(Action.OPERATE, guestId, hostId, tags);
    }

    public boolean console(long guestId, long hostId, List<String> tags) {
        return rights.onGuest(Action.CONSOLE, guestId, hostId, tags);
    }

    /** The Actions column, for those who may operate some guest; rows of others stay empty. */
    public boolean operateColumn() {
        return rights.somewhere(Action.OPERATE);
    }

    public boolean consoleColumn() {
        return rights.somewhere(Action.CONSOLE);
    }
}

package io.virtdeck.inventory;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import io.virtdeck.security.Access;
import io.virtdeck.web.Page;

/** Reading guests, for every role. */
@Service
public class GuestQuery {

    private final GuestRepository guests;

    public GuestQuery(GuestRepository guests) {
        this.guests = guests;
    }

    @PreAuthorize(Access.READ_GUESTS)
    public Page<Guest.Summary> find(GuestFilter filter, GuestSort sort, int page, int size) {
        return guests.find(filter, sort, page, size);
    }

    @PreAuthorize(Access.READ_GUESTS)
    public Guest get(long id) {
        return guests.require(id);
    }
}

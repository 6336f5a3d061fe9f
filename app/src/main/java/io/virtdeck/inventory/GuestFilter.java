package io.virtdeck.inventory;

import io.virtdeck.hypervisor.DomainRunState;

/** The guest list's filters (API.md: host, state, q); null means "any". */
public record GuestFilter(Long hostId, DomainRunState state, String nameContains) {
}

package io.virtdeck.security;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import io.virtdeck.inventory.GuestFilter;
import io.virtdeck.inventory.GuestQuery;
import io.virtdeck.inventory.GuestSort;
import io.virtdeck.inventory.HostService;
import io.virtdeck.support.TestHosts;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.awaitility.Awaitility.await;

/** Fixtures the browser tests of grants make through the services, as an admin, before any browser opens. */
final class AdminSetup {

    private AdminSetup() {
    }

    /** Registers a host with the small test guests and returns the id of one of them, once the inventory has it. */
    static long hostWithGuest(HostService hosts, GuestQuery guests, String hostName, String guestName) {
        return asAdmin(() -> {
            long host = hosts.register(hostName, TestHosts.smallHost()).id();
            return guestOn(guests, host, guestName);
        });
    }

    /** The id of a guest of a registered host, once the inventory has it. */
    static long guestOn(GuestQuery guests, long host, String guestName) {
        return asAdmin(() -> await().atMost(Duration.ofSeconds(10)).until(() -> guests.find(
                        new GuestFilter(host, null, guestName), GuestSort.parse(null), 0, 1).items(),
                found -> !found.isEmpty()).get(0).id());
    }

    static <T> T asAdmin(Supplier<T> work) {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "admin", null, List.of(new SimpleGrantedAuthority("ROLE_ADMIN"))));
        try {
            return work.get();
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}

package io.virtdeck.security;

import org.springframework.security.authentication.AccountStatusException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import io.virtdeck.core.DatabaseOutage;

/**
 * Every password check (login form and HTTP Basic) passes here: a locked user name or address is refused before the
 * password is looked at, and each failure is counted and audited.
 */
class ThrottledAuthenticationProvider implements AuthenticationProvider {

    private final AuthenticationProvider passwords;
    private final LoginThrottle throttle;

    ThrottledAuthenticationProvider(AuthenticationProvider passwords, LoginThrottle throttle) {
        this.passwords = passwords;
        this.throttle = throttle;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String username = authentication.getName();
        String address = authentication.getDetails() instanceof WebAuthenticationDetails web
                ? web.getRemoteAddress() : "unknown";
        throttle.lockedFor(username, address).ifPresent(remaining -> {
            throw new LoginThrottledException(remaining);
        });
        try {
            Authentication result = passwords.authenticate(authentication);
            throttle.succeeded(username);
            return result;
        } catch (BadCredentialsException | AccountStatusException e) {
            throttle.failed(username, address);
            throw e;
        } catch (InternalAuthenticationServiceException e) {
            if (DatabaseOutage.causedBy(e) && e.getCause() instanceof RuntimeException unreachable) {
                throw unreachable; // no failed login: the outage's 503 (web.DatabaseOutageFilter)
            }
            throw e;
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}

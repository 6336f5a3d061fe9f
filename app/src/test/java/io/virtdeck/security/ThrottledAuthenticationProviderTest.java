package io.virtdeck.security;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** A login that meets the database away is no failed login: the outage's 503, nothing counted against the name. */
class ThrottledAuthenticationProviderTest {

    @Test
    void anUnreachableDatabaseIsThrownAsItIsAndCountsNoFailure() {
        AuthenticationProvider passwords = mock(AuthenticationProvider.class);
        LoginThrottle throttle = mock(LoginThrottle.class);
        when(throttle.lockedFor(any(), any())).thenReturn(java.util.Optional.empty());
        CannotGetJdbcConnectionException unreachable = new CannotGetJdbcConnectionException("Failed to obtain JDBC"
                + " Connection");
        when(passwords.authenticate(any())).thenThrow(new InternalAuthenticationServiceException("no users",
                unreachable));

        assertThatThrownBy(() -> new ThrottledAuthenticationProvider(passwords, throttle)
                .authenticate(UsernamePasswordAuthenticationToken.unauthenticated("olga", "pw")))
                .isSameAs(unreachable);
        verify(throttle, never()).failed(any(), any());
    }
}

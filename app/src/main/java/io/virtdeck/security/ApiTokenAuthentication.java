package io.virtdeck.security;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import io.virtdeck.core.Role;

/** A request let in by an API token: it acts as the token's user, with the token's role. */
public final class ApiTokenAuthentication extends AbstractAuthenticationToken {

    private final String username;
    private final long tokenId;

    ApiTokenAuthentication(String username, long tokenId, Role role) {
        super(List.of(new SimpleGrantedAuthority("ROLE_" + role.name())));
        this.username = username;
        this.tokenId = tokenId;
        setAuthenticated(true);
    }

    public long tokenId() {
        return tokenId;
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return username;
    }
}

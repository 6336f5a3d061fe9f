package io.virtdeck.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Optional single sign-on through an OpenID Connect provider (README: Single sign-on). Off unless {@code enabled}.
 *
 * @param issuerUri    the provider's issuer; its discovery document is read at start-up
 * @param groupsClaim  the ID token or user-info claim listing the person's groups: each one that names a Virtdeck
 *                     group makes them a member for that login, with the group's grants
 * @param usernameClaim the claim that becomes the Virtdeck user name (a users row of that name adds its role on '/')
 */
@ConfigurationProperties("virtdeck.oidc")
public record OidcProperties(boolean enabled, String issuerUri, String clientId, String clientSecret,
                             String groupsClaim, String usernameClaim) {

    public OidcProperties {
        groupsClaim = groupsClaim == null || groupsClaim.isBlank() ? "groups" : groupsClaim;
        usernameClaim = usernameClaim == null || usernameClaim.isBlank() ? "preferred_username" : usernameClaim;
    }
}

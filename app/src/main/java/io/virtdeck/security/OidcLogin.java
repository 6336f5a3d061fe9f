package io.virtdeck.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Component;

/**
 * Log in through an OpenID Connect provider, when {@code virtdeck.oidc.enabled}. The person's authorities are what a
 * password login would give them (ROLE_&lt;role&gt; when a users row of their name has a role) plus
 * GROUP_&lt;name&gt; for each group in the groups claim; {@link Permissions} adds those groups' grants.
 */
@Component
@ConditionalOnProperty(name = "virtdeck.oidc.enabled", havingValue = "true")
public class OidcLogin {

    /** The registration id: the login link is /oauth2/authorization/oidc. */
    public static final String REGISTRATION = "oidc";
    static final String GROUP_PREFIX = "GROUP_";

    private static final Logger log = LoggerFactory.getLogger(OidcLogin.class);

    private final OidcProperties properties;
    private final UserAccountRepository users;
    private final InMemoryClientRegistrationRepository registrations;

    public OidcLogin(OidcProperties properties, UserAccountRepository users) {
        this.properties = properties;
        this.users = users;
        ClientRegistration registration = ClientRegistrations.fromIssuerLocation(properties.issuerUri())
                .registrationId(REGISTRATION)
                .clientId(properties.clientId())
                .clientSecret(properties.clientSecret())
                .scope("openid", "profile")
                .userNameAttributeName(properties.usernameClaim())
                .build();
        this.registrations = new InMemoryClientRegistrationRepository(registration);
    }

    /** Adds the OIDC login to the pages' filter chain, next to the password form. */
    void applyTo(HttpSecurity http) throws Exception {
        OidcUserService standard = new OidcUserService();
        http.oauth2Login(login -> login
                .loginPage("/login")
                .clientRegistrationRepository(registrations)
                .defaultSuccessUrl("/", false)
                .failureHandler((request, response, e) -> {
                    // the person sees "wrong user name or password"; the operator needs the provider's reason
                    log.warn("single sign-on failed: {}", e.getMessage(), e);
                    response.sendRedirect(request.getContextPath() + "/login?error");
                })
                .userInfoEndpoint(info -> info.oidcUserService(request -> withVirtdeckAuthorities(standard, request))));
    }

    private OidcUser withVirtdeckAuthorities(OidcUserService standard, OidcUserRequest request) {
        OidcUser person = standard.loadUser(request);
        String username = person.getAttribute(properties.usernameClaim());
        List<GrantedAuthority> authorities = new ArrayList<>();
        users.findByUsername(username).filter(UserAccount::enabled).map(UserAccount::role)
                .ifPresent(role -> authorities.add(new SimpleGrantedAuthority("ROLE_" + role.name())));
        Object groups = person.getClaims().get(properties.groupsClaim());
        if (groups instanceof Collection<?> names) {
            for (Object name : names) {
                authorities.add(new SimpleGrantedAuthority(GROUP_PREFIX + name));
            }
        }
        return new DefaultOidcUser(authorities, person.getIdToken(), person.getUserInfo(), properties.usernameClaim());
    }
}

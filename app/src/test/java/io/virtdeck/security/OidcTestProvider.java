package io.virtdeck.security;

import java.util.List;
import java.util.UUID;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * The OpenID Connect provider {@link OidcLoginTest} starts (Spring Authorization Server, in an application of its
 * own): one client, Virtdeck, and one person, carol, whose ID token says she is in the groups desk and elsewhere. A
 * test configuration, so Virtdeck's own component scan leaves it out.
 */
@TestConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration(exclude = DataSourceAutoConfiguration.class)
public class OidcTestProvider {

    static final String CLIENT_SECRET = UUID.randomUUID().toString();
    static final String CAROL_PASSWORD = "carol-test-pw";

    /** Virtdeck's port, known only once it runs: read when Virtdeck's login asks for its client. */
    static volatile int virtdeckPort;

    @Bean
    RegisteredClientRepository clients() {
        return new RegisteredClientRepository() {
            @Override
            public void save(RegisteredClient client) {
                // the provider saves only to re-encode the {noop} secret; the client is built afresh on each lookup
            }

            @Override
            public RegisteredClient findById(String id) {
                return findByClientId(id);
            }

            @Override
            public RegisteredClient findByClientId(String clientId) {
                return "virtdeck".equals(clientId) ? virtdeck() : null;
            }
        };
    }

    private static RegisteredClient virtdeck() {
        return RegisteredClient.withId("virtdeck").clientId("virtdeck").clientSecret("{noop}" + CLIENT_SECRET)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("http://localhost:" + virtdeckPort + "/login/oauth2/code/oidc")
                .scope(OidcScopes.OPENID).scope(OidcScopes.PROFILE)
                .build();
    }

    @Bean
    UserDetailsService people() {
        return new InMemoryUserDetailsManager(User.withUsername("carol").password("{noop}" + CAROL_PASSWORD)
                .roles("USER").build());
    }

    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> groupsClaim() {
        return context -> {
            if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
                context.getClaims().claim("preferred_username", context.getPrincipal().getName())
                        .claim("groups", List.of("desk", "elsewhere"));
            }
        };
    }
}

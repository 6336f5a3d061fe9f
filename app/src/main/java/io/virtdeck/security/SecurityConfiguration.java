package io.virtdeck.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.ExceptionTranslationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * Two ways in. /api/** is stateless HTTP Basic or an API token ({@link ApiTokenFilter}): no session cookie is read
 * there, so no CSRF token is needed.
 * Pages use form login with a session cookie and CSRF on every form. Who may do what is checked in the services
 * ({@link Access}); here only "who are you".
 */
@Configuration
@EnableMethodSecurity
public class SecurityConfiguration {

    /** No inline script or style anywhere: htmx is told not to inject its indicator styles (layout.html). */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
            + "frame-ancestors 'none'";

    @Bean
    PasswordEncoder passwordEncoder() {
        return new RememberedPasswords(PasswordEncoderFactories.createDelegatingPasswordEncoder());
    }

    /** Both chains check passwords through the throttle (login form and HTTP Basic alike). */
    @Bean
    AuthenticationProvider authenticationProvider(DatabaseUserDetailsService users, PasswordEncoder passwordEncoder,
                                                  LoginThrottle throttle) {
        DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(users);
        passwords.setPasswordEncoder(passwordEncoder);
        return new ThrottledAuthenticationProvider(passwords, throttle);
    }

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, ApiTokenService tokens) throws Exception {
        RequestAttributeSecurityContextRepository contexts = new RequestAttributeSecurityContextRepository();
        http.securityMatcher("/api/**")
                .addFilterBefore(new ApiTokenFilter(tokens, jsonStatus(401, "Unauthorized",
                        "The API token is unknown, expired or revoked, or its user is disabled."), contexts),
                        BasicAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
                .httpBasic(basic -> basic.authenticationEntryPoint(jsonStatus(401, "Unauthorized",
                        "Log in: send HTTP Basic credentials.")))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint(jsonStatus(401, "Unauthorized", "Log in: send HTTP Basic credentials."))
                        .accessDeniedHandler(jsonDenied()))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .securityContext(c -> c.securityContextRepository(contexts))
                .csrf(csrf -> csrf.disable())
                .headers(SecurityConfiguration::headers);
        return http.build();
    }

    /** Prometheus scrapes with HTTP Basic, as a user who may read hosts (the gauges are fleet-wide figures). */
    @Bean
    @Order(0)
    SecurityFilterChain prometheus(HttpSecurity http) throws Exception {
        http.securityMatcher("/actuator/prometheus")
                .authorizeHttpRequests(auth -> auth.anyRequest().hasAnyRole("ADMIN", "OPERATOR", "VIEWER"))
                .httpBasic(basic -> basic.authenticationEntryPoint(jsonStatus(401, "Unauthorized",
                        "Log in: send HTTP Basic credentials.")))
                .exceptionHandling(e -> e.accessDeniedHandler(jsonDenied()))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain pages(HttpSecurity http, UserAccountRepository users, ObjectProvider<OidcLogin> oidc)
            throws Exception {
        OidcLogin singleSignOn = oidc.getIfAvailable();
        if (singleSignOn != null) {
            singleSignOn.applyTo(http);
        }
        http.addFilterAfter(new LiveAccountFilter(users), ExceptionTranslationFilter.class)
                .authorizeHttpRequests(auth -> auth
                        // the async dispatch that ends a live-update stream continues a request already let in; when
                        // the browser has gone, denying it only logs an error for a response long committed
                        .dispatcherTypeMatchers(DispatcherType.ASYNC).permitAll()
                        .requestMatchers("/login", "/assets/**", "/favicon.ico", "/error", "/actuator/health",
                                "/v3/api-docs", "/v3/api-docs/**").permitAll()
                        // the console's WebSocket: its one-time ticket is the check (console/ConsoleHandshake)
                        .requestMatchers("/console/ws").permitAll()
                        .anyRequest().authenticated())
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/", false).permitAll())
                .logout(logout -> logout.logoutSuccessUrl("/login?logout").permitAll())
                // a new session id at login (Spring's default, said here so that no one drops it unknowingly)
                .sessionManagement(s -> s.sessionFixation(f -> f.changeSessionId()))
                .headers(SecurityConfiguration::headers);
        return http.build();
    }

    /**
     * On every answer of both chains: the CSP (no inline script), no framing, no MIME sniffing, no referrer to other
     * sites. Spring's defaults add nosniff, X-Frame-Options DENY, no-store caching and HSTS over HTTPS.
     */
    private static void headers(HeadersConfigurer<HttpSecurity> headers) {
        headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .frameOptions(frame -> frame.deny())
                .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN));
    }

    private static AuthenticationEntryPoint jsonStatus(int status, String error, String message) {
        return (request, response, e) -> {
            if (e instanceof LoginThrottledException throttled) {
                response.setHeader("Retry-After", Long.toString(throttled.minutesLeft() * 60));
                writeJson(response, 429, "Too Many Requests", throttled.advice());
            } else {
                writeJson(response, status, error, message);
            }
        };
    }

    private static AccessDeniedHandler jsonDenied() {
        return (request, response, e) -> writeJson(response, 403, "Forbidden", "Your role does not allow this action.");
    }

    private static void writeJson(HttpServletResponse response, int status, String error, String message)
            throws java.io.IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"Virtdeck\"");
        }
        // fixed texts only: no user input reaches this body
        response.getWriter().write("{\"status\":" + status + ",\"error\":\"" + error + "\",\"message\":\""
                + message + "\"}");
    }
}

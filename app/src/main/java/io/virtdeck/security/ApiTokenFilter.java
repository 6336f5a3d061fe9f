package io.virtdeck.security;

import java.io.IOException;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/** {@code Authorization: Bearer <token>} on /api/**: a token that does not let in gets 401, never a fallback. */
class ApiTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final ApiTokenService tokens;
    private final AuthenticationEntryPoint refusal;
    private final SecurityContextRepository contexts;

    ApiTokenFilter(ApiTokenService tokens, AuthenticationEntryPoint refusal, SecurityContextRepository contexts) {
        this.tokens = tokens;
        this.refusal = refusal;
        this.contexts = contexts;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            chain.doFilter(request, response);
            return;
        }
        Optional<ApiTokenAuthentication> authentication =
                tokens.authenticate(header.substring(BEARER.length()).trim(), request.getRemoteAddr());
        if (authentication.isEmpty()) {
            refusal.commence(request, response, new BadCredentialsException("unknown, expired or revoked token"));
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(authentication.get());
        SecurityContextHolder.setContext(context);
        contexts.saveContext(context, request, response);
        chain.doFilter(request, response);
    }
}

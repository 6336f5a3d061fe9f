package io.virtdeck.security;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.Role;

/**
 * A login session follows its account as it is now, not as it was at login: once an admin disables the user the
 * session ends at its next request, and a new role applies at once. One indexed read per page request.
 */
class LiveAccountFilter extends OncePerRequestFilter {

    private final UserAccountRepository users;
    private final SecurityContextRepository sessions = new HttpSessionSecurityContextRepository();

    LiveAccountFilter(UserAccountRepository users) {
        this.users = users;
    }

    /** Static files change nothing and need no account: no read for each style sheet and script. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getRequestURI().startsWith(request.getContextPath() + "/assets/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof UsernamePasswordAuthenticationToken && authentication.isAuthenticated()) {
            // only Virtdeck's own users are followed; a name it does not know has no row that could change
            Optional<UserAccount> account = users.findByUsername(authentication.getName());
            if (account.isPresent() && !account.get().enabled()) {
                SecurityContextHolder.clearContext();
                HttpSession session = request.getSession(false);
                if (session != null) {
                    session.invalidate();
                }
            } else if (account.isPresent() && !holds(authentication, account.get().role())) {
                Role role = account.get().role(); // null: a user of grants only, with no role on '/'
                SecurityContext context = SecurityContextHolder.createEmptyContext();
                context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                        authentication.getPrincipal(), null,
                        role == null ? List.of() : List.of(new SimpleGrantedAuthority("ROLE_" + role.name()))));
                SecurityContextHolder.setContext(context);
                sessions.saveContext(context, request, response);
            }
        }
        chain.doFilter(request, response);
    }

    /** Whether the login still carries exactly the user's role on '/' (none for a user of grants only). */
    private static boolean holds(Authentication authentication, Role role) {
        return role == null
                ? authentication.getAuthorities().stream().noneMatch(a -> a.getAuthority().startsWith("ROLE_"))
                : CurrentUser.hasRole(role);
    }
}

package io.virtdeck.console;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The gate of the console's WebSocket: the upgrade happens only for a valid ticket, used here once; anything else is
 * answered 403 with the reason before a byte reaches the guest.
 */
@Component
class ConsoleHandshake implements HandshakeInterceptor {

    private final ConsoleTicketService tickets;

    ConsoleHandshake(ConsoleTicketService tickets) {
        this.tickets = tickets;
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                                   Map<String, Object> attributes) throws Exception {
        String ticket = UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams().getFirst("ticket");
        try {
            attributes.put(ConsoleProxyHandler.GRANT, tickets.redeem(ticket, browserSession(request), user()));
            return true;
        } catch (ConsoleRefusedException e) {
            response.setStatusCode(HttpStatus.FORBIDDEN);
            response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
            response.getBody().write(e.getMessage().getBytes(StandardCharsets.UTF_8));
            return false;
        }
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                               Exception exception) {
    }

    /**
     * The session the browser names in its cookie. Its id, not this instance's session object: with several
     * instances the WebSocket may reach one that never saw the browser's session, and the ticket, issued by another
     * instance to that session, is checked against it all the same.
     */
    private static String browserSession(ServerHttpRequest request) {
        if (request instanceof ServletServerHttpRequest servlet) {
            return servlet.getServletRequest().getRequestedSessionId();
        }
        return null;
    }

    private static String user() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication == null || !authentication.isAuthenticated()
                || "anonymousUser".equals(authentication.getName()) ? null : authentication.getName();
    }
}

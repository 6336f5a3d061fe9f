package io.virtdeck.console;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.WebUtils;

/**
 * The gate of the console's WebSocket: the upgrade happens only for a valid ticket, used here once; anything else is
 * answered 403 with the reason before a byte reaches the guest. Whatever else could still refuse the handshake is
 * checked first (the Origin, which Spring checks only after this interceptor, and the upgrade request itself, which
 * the handshake handler checks after every interceptor), so that a refused attempt never spends the ticket the real
 * console needs.
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
        String user = user();
        HttpStatus status = HttpStatus.FORBIDDEN;
        try {
            String foreign = foreignOrigin(request);
            if (foreign != null) {
                throw tickets.refuse(ticket, user, foreign);
            }
            String notWebSocket = notAWebSocketHandshake(request);
            if (notWebSocket != null) {
                status = HttpStatus.BAD_REQUEST;
                throw tickets.refuse(ticket, user, notWebSocket);
            }
            attributes.put(ConsoleProxyHandler.GRANT, tickets.redeem(ticket, browserSession(request), user));
            return true;
        } catch (ConsoleRefusedException e) {
            response.setStatusCode(status);
            response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
            response.getBody().write(e.getMessage().getBytes(StandardCharsets.UTF_8));
            return false;
        }
    }

    /**
     * The refusal of a page of another site, or null. The same rule as the OriginHandshakeInterceptor Spring adds
     * after this one (no allowed origins are configured: same origin only, and a request without an Origin header,
     * which is no browser's, passes), so Spring's check never refuses what this one let through.
     */
    private static String foreignOrigin(ServerHttpRequest request) {
        if (WebUtils.isSameOrigin(request)) {
            return null;
        }
        String origin = String.valueOf(request.getHeaders().getOrigin());
        return "This console was opened from a page of another site (" + (origin.length() > 100
                ? origin.substring(0, 100) + "..." : origin) + "); Virtdeck's consoles open only from its own pages.";
    }

    /**
     * The refusal of a request the handshake handler would not upgrade, or null: the checks of Spring's
     * AbstractHandshakeHandler.doHandshake (a GET upgrading to WebSocket with a key, or an HTTP/2 CONNECT, in
     * RFC 6455's version 13, the only one the servlet container speaks). A link preview or a pasted address fetches
     * the console's URL with a plain GET.
     */
    private static String notAWebSocketHandshake(ServerHttpRequest request) {
        WebSocketHttpHeaders headers = new WebSocketHttpHeaders(request.getHeaders());
        HttpMethod method = request.getMethod();
        boolean upgrade = HttpMethod.GET.equals(method) && "WebSocket".equalsIgnoreCase(headers.getUpgrade())
                && (headers.getConnection().contains("Upgrade") || headers.getConnection().contains("upgrade"))
                && headers.getSecWebSocketKey() != null;
        boolean connect = HttpMethod.valueOf("CONNECT").equals(method);
        String version = headers.getSecWebSocketVersion();
        if ((upgrade || connect) && version != null && version.trim().equals("13")) {
            return null;
        }
        return "This address opens a console over a WebSocket only; open the console from the guest's page.";
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

package io.virtdeck.console;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * The console's WebSocket at {@value ConsoleTicketService#WEBSOCKET_PATH}. Same-origin only (Spring's default): a page
 * on another site cannot use a ticket it got hold of. Spring checks the Origin after our interceptor, so
 * {@link ConsoleHandshake} checks it too, first, to refuse with a reason and leave the ticket unspent; no allowed
 * origins are set here, or the two checks would differ. Behind a reverse proxy, forward the Host header (README).
 */
@Configuration
@EnableWebSocket
class ConsoleWebSocketConfiguration implements WebSocketConfigurer {

    private final ConsoleProxyHandler handler;
    private final ConsoleHandshake handshake;

    ConsoleWebSocketConfiguration(ConsoleProxyHandler handler, ConsoleHandshake handshake) {
        this.handler = handler;
        this.handshake = handshake;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(handler, ConsoleTicketService.WEBSOCKET_PATH).addInterceptors(handshake);
    }
}

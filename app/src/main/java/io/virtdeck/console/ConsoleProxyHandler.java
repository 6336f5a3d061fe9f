package io.virtdeck.console;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.BinaryWebSocketHandler;

/**
 * The WebSocket side of the console proxy: a session that passed {@link ConsoleHandshake} carries its grant; here it
 * is joined to the guest's display, and bytes from the browser are passed on.
 */
@Component
class ConsoleProxyHandler extends BinaryWebSocketHandler {

    static final String GRANT = "virtdeck.console.grant";
    private static final String SESSION = "virtdeck.console.session";
    /** The close code of a serial console someone else holds; its reason says who and since when. */
    static final int BUSY = 4009;
    /** Browsers send small messages (keys, pointer, ClientInit); 64 KiB leaves room for a pasted clipboard. */
    private static final int BROWSER_MESSAGE_LIMIT = 64 * 1024;
    private static final Logger log = LoggerFactory.getLogger(ConsoleProxyHandler.class);

    private final ConsoleService consoles;

    ConsoleProxyHandler(ConsoleService consoles) {
        this.consoles = consoles;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession browser) throws Exception {
        browser.setBinaryMessageSizeLimit(BROWSER_MESSAGE_LIMIT);
        ConsoleGrant grant = (ConsoleGrant) browser.getAttributes().get(GRANT);
        try {
            browser.getAttributes().put(SESSION, grant.kind() == ConsoleKind.SERIAL
                    ? consoles.openSerial(grant, browser) : consoles.open(grant, browser));
        } catch (ConsoleBusyException e) {
            browser.close(new CloseStatus(BUSY, e.getMessage().length() > 120 ? e.getMessage().substring(0, 120)
                    : e.getMessage()));
        } catch (ConsoleRefusedException e) {
            browser.close(new CloseStatus(4003, e.getMessage().length() > 120 ? e.getMessage().substring(0, 120)
                    : e.getMessage()));
        }
    }

    @Override
    protected void handleBinaryMessage(WebSocketSession browser, BinaryMessage message) throws Exception {
        ConsoleSession session = (ConsoleSession) browser.getAttributes().get(SESSION);
        if (session == null) {
            return;
        }
        try {
            session.fromBrowser(message.getPayload());
        } catch (ConsoleRefusedException e) {
            session.close(new CloseStatus(4002, e.getMessage()), null);
        }
    }

    @Override
    public void handleTransportError(WebSocketSession browser, Throwable exception) {
        log.debug("console WebSocket {} failed: {}", browser.getId(), exception.getMessage());
    }

    @Override
    public void afterConnectionClosed(WebSocketSession browser, CloseStatus status) {
        ConsoleSession session = (ConsoleSession) browser.getAttributes().get(SESSION);
        if (session != null) {
            consoles.closed(session, status);
        }
    }
}

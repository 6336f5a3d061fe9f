package io.virtdeck.console;

/** A console that cannot be opened, with the reason for a person (sent as the WebSocket's close reason or 403 body). */
class ConsoleRefusedException extends Exception {

    ConsoleRefusedException(String message) {
        super(message);
    }
}

package io.virtdeck.console;

/** A serial console someone else holds: the reason names who and since when (WebSocket close code 4009). */
class ConsoleBusyException extends ConsoleRefusedException {

    ConsoleBusyException(String message) {
        super(message);
    }
}

package io.virtdeck.alerts.targets;

/** An attempt that did not deliver, with what happened in plain words ("connection refused by smtp.example:587"). */
final class DeliveryFailure extends Exception {

    DeliveryFailure(String plainWords) {
        super(plainWords);
    }
}

package io.virtdeck.backup;

/**
 * A verified restore: the sign of life that counts the backup good.
 *
 * @param signOfLife "serial" (a text appears on the guest's first serial console) or "agent" (its guest agent
 *                   answers a ping)
 * @param serialText for "serial": the text to wait for, e.g. "login:"
 * @param timeoutSeconds how long the booted guest gets to show it (10 to 1800; 180 when left out)
 */
public record VerifyRequest(String signOfLife, String serialText, Integer timeoutSeconds) {
}

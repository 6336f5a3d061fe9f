package io.virtdeck.alerts.targets;

/**
 * One message on its way to a target: the subject, and the message as JSON text (exactly the bytes a webhook receives
 * and signs; a mail is written from its fields).
 *
 * @param deliveryId its row in alert_deliveries; null for a test message, which is sent at once and not queued
 */
record OutgoingAlert(Long deliveryId, String subject, String json) {
}

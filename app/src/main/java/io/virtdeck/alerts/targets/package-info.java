/**
 * Where alerts are sent (issue 24): targets (mail over SMTP, webhooks), their secrets encrypted by
 * {@link io.virtdeck.security.SecretBox}, and the sender that works through the outbox {@code alert_deliveries}: the
 * alert rules only add rows to it; any instance claims due rows, sends, and retries with backoff.
 */
package io.virtdeck.alerts.targets;

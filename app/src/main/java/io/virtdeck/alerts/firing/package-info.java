/**
 * Alerts (issue 24): the evaluator that checks the alert rules on every instance, opens, repeats and resolves alerts
 * (one per rule and subject however many instances look at once) and queues their messages for the targets; the
 * Alerts page and API (firing now, history, acknowledge with a note).
 */
package io.virtdeck.alerts.firing;

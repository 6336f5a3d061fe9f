/**
 * Alert rules (issue 24): what Virtdeck watches for (a kind with its threshold), how serious it is, which targets
 * hear of it and how often it is repeated while it lasts. Administrators make and change them; those who watch the
 * fleet read them. {@code alerts.firing} evaluates them; {@code alerts.targets} delivers what they find.
 */
package io.virtdeck.alerts.rules;

/**
 * How every action that changes something runs: {@link io.virtdeck.action.ActionRunner} takes an
 * {@link io.virtdeck.action.ActionPlan} (the permission, the checks against live state, the work) through the same
 * steps and audits its outcome, a refusal included. Imports only {@code audit} and {@code core}, so every capability,
 * security's included, can use it.
 */
package io.virtdeck.action;

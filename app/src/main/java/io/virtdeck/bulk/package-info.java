/**
 * Bulk actions on guests: one action (power, snapshot, migration) on many guests selected on the guest list, run as
 * one parent task with a child task per guest, bounded per host and in all. Uses the guests' own services
 * ({@code guest}, {@code migration}), which know nothing of it.
 */
package io.virtdeck.bulk;

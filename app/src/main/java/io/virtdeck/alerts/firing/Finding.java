package io.virtdeck.alerts.firing;

/**
 * What a rule found: a subject that matches its condition now, or one event.
 *
 * @param key what it is about, stable from one round to the next: 'host:12', 'pool:3/images', 'audit:812'
 * @param subject the object in words: "Host lab2", "Pool images on lab1"
 * @param text the message in plain words: "Host lab2 lost: no answer since 23:14 UTC"
 * @param link the page it is about; null when there is none
 */
record Finding(String key, String subject, String text, String link) {
}

package io.virtdeck.web;

import tools.jackson.databind.annotation.JsonDeserialize;

/** {@code {"autostart": true|false}}: whether libvirt starts a pool or network when it starts. */
public record AutostartRequest(@JsonDeserialize(using = Flag.Reader.class) Boolean autostart) {
}

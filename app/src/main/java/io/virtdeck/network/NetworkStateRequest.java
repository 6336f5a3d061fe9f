package io.virtdeck.network;

import tools.jackson.databind.annotation.JsonDeserialize;
import io.virtdeck.web.Flag;

/** {@code {"active": true|false}}: starts or stops a network. */
record NetworkStateRequest(@JsonDeserialize(using = Flag.Reader.class) Boolean active) {
}

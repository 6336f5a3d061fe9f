package io.virtdeck.cluster;

import java.util.Map;

/** Every host's libvirt URI by its id, for taking over a host's monitor: inventory answers it. */
public interface HostAddresses {

    Map<Long, String> uris();
}

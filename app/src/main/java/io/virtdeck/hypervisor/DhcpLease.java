package io.virtdeck.hypervisor;

import java.time.Instant;

/** A lease libvirt's DHCP server (dnsmasq) handed out on a network. {@code hostname}: as the client gave it, or null. */
public record DhcpLease(String mac, String ip, int prefix, String family, String hostname, Instant expiry) {
}

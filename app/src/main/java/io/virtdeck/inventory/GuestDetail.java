package io.virtdeck.inventory;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.virtdeck.hypervisor.GuestAgentFacts;
import io.virtdeck.hypervisor.GuestCpu;
import io.virtdeck.hypervisor.ResourceLimits;

/**
 * OpenAPI: GET /api/v1/guests/{id}: the inventory's guest, plus what libvirt alone knows and is asked for now: the
 * number of snapshots and the resource limits (both null when its host cannot be asked), and what the guest's
 * qemu-guest-agent says (null when its host cannot be asked). {@code cpu}: the CPU in its definition, null where it
 * names none (the hypervisor's default) or its host cannot be asked.
 */
public record GuestDetail(@JsonUnwrapped Guest guest, Integer snapshotCount, ResourceLimits limits,
                          GuestAgentFacts agent, GuestCpu cpu) {
}

package io.virtdeck.hypervisor;

import java.time.Instant;
import java.util.List;

/**
 * What a guest's qemu-guest-agent said when last asked (OpenAPI: the {@code agent} of GET /api/v1/guests/{id}).
 * {@code state}: NOT_CONFIGURED (the guest has no agent channel), NOT_RUNNING (the guest is not running),
 * NOT_ANSWERING (a channel, but no agent answered within a few seconds; {@code problem} says what libvirt said),
 * ANSWERING (then {@code version} and the rest are filled as far as the agent knows them). {@code answeredAt}: when
 * the agent last answered (now, or for an agent silent now, the last answer Virtdeck recorded), null if never.
 */
public record GuestAgentFacts(State state, String version, String hostname, String osName, String osVersion,
                              String kernel, List<Nic> nics, List<FileSystem> fileSystems, Instant answeredAt,
                              String problem) {

    public enum State { NOT_CONFIGURED, NOT_RUNNING, NOT_ANSWERING, ANSWERING }

    public GuestAgentFacts {
        nics = nics == null ? List.of() : List.copyOf(nics);
        fileSystems = fileSystems == null ? List.of() : List.copyOf(fileSystems);
    }

    /** A state without an answer. */
    public static GuestAgentFacts without(State state, String problem) {
        return new GuestAgentFacts(state, null, null, null, null, null, List.of(), List.of(), null, problem);
    }

    /** The same facts with the time of the agent's last answer, for one that does not answer now. */
    public GuestAgentFacts lastAnsweredAt(Instant at) {
        return new GuestAgentFacts(state, version, hostname, osName, osVersion, kernel, nics, fileSystems, at, problem);
    }

    public boolean answering() {
        return state == State.ANSWERING;
    }

    /** A network interface as the guest names it, with its MAC and addresses (loopback left out). */
    public record Nic(String name, String mac, List<Address> addresses) {
        public Nic {
            addresses = List.copyOf(addresses);
        }
    }

    /** {@code family}: ipv4 or ipv6. */
    public record Address(String address, int prefix, String family) {
    }

    /** A mounted file system; sizes in bytes, null when the agent does not say. */
    public record FileSystem(String mountpoint, String type, String device, Long usedBytes, Long totalBytes) {
    }
}

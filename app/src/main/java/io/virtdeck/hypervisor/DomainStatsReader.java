package io.virtdeck.hypervisor;

import java.util.Map;

/** Turns libvirt's flat statistics fields ({@code block.0.rd.bytes}, ...) into {@link GuestCounters} and {@link HostCounters}. */
final class DomainStatsReader {

    private DomainStatsReader() {
    }

    static GuestCounters guest(LibvirtNative.DomainStatsRecord record) {
        Map<String, Long> v = record.values();
        Long cpu = v.containsKey("cpu.time") ? v.get("cpu.time") : record.infoCpuTimeNs();
        Long memory = memoryKiB(v);
        if (memory == null) {
            memory = record.infoMemoryKiB();
        }
        return new GuestCounters(record.uuid(), cpu, memory,
                sum(v, "block", "rd.bytes"), sum(v, "block", "wr.bytes"),
                sum(v, "block", "rd.reqs"), sum(v, "block", "wr.reqs"),
                sum(v, "net", "rx.bytes"), sum(v, "net", "tx.bytes"));
    }

    /** In-guest use when the balloon driver reports it (available - unused), else the balloon's current size. */
    private static Long memoryKiB(Map<String, Long> v) {
        Long available = v.get("balloon.available");
        Long unused = v.get("balloon.unused");
        if (available != null && unused != null) {
            return available - unused;
        }
        return v.get("balloon.current");
    }

    /** The field summed over every device of the group; null when the group is absent (not asked or not supported). */
    private static Long sum(Map<String, Long> v, String group, String field) {
        Long count = v.get(group + ".count");
        if (count == null) {
            return null;
        }
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += v.getOrDefault(group + "." + i + "." + field, 0L);
        }
        return total;
    }

    /**
     * The host's counters from virNodeGetCPUStats and virNodeGetMemoryStats; {@code fallbackMemory} (total, used KiB)
     * when the driver has no memory statistics.
     */
    static HostCounters host(Map<String, Long> cpu, Map<String, Long> memory, long fallbackTotalKiB,
                             long fallbackUsedKiB) {
        Long busy = null;
        Long total = null;
        if (!cpu.isEmpty()) {
            long all = cpu.values().stream().mapToLong(Long::longValue).sum();
            long waiting = cpu.getOrDefault("idle", 0L) + cpu.getOrDefault("iowait", 0L);
            busy = all - waiting;
            total = all;
        }
        Long memoryTotal = memory.get("total");
        if (memoryTotal == null) {
            return new HostCounters(busy, total, fallbackTotalKiB, fallbackUsedKiB);
        }
        long reclaimable = memory.getOrDefault("free", 0L) + memory.getOrDefault("buffers", 0L)
                + memory.getOrDefault("cached", 0L);
        return new HostCounters(busy, total, memoryTotal, memoryTotal - reclaimable);
    }
}

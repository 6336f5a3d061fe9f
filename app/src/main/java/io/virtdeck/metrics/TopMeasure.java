package io.virtdeck.metrics;

import java.util.Arrays;
import java.util.Locale;

import io.virtdeck.core.VirtdeckException;

/** What "top guests" ranks by; each maps to a fixed SQL expression over the 10 s tier's columns. */
enum TopMeasure {
    CPU("cpu"),
    MEMORY("memory_mib"),
    DISK("coalesce(disk_read_bps, 0) + coalesce(disk_write_bps, 0)"),
    NETWORK("coalesce(net_rx_bps, 0) + coalesce(net_tx_bps, 0)");

    final String expression;

    TopMeasure(String expression) {
        this.expression = expression;
    }

    static TopMeasure parse(String text) {
        if (text == null || text.isBlank()) {
            return CPU;
        }
        return Arrays.stream(values()).filter(m -> m.name().equalsIgnoreCase(text.trim())).findFirst()
                .orElseThrow(() -> VirtdeckException.invalid("by", "by is one of cpu, memory, disk, network."));
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

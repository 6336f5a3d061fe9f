package io.virtdeck.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.virtdeck.inventory.HostState;
import org.springframework.stereotype.Component;

/**
 * Fleet-wide gauges for Prometheus (/actuator/prometheus): the capacity dashboard's totals. One scrape reads every
 * gauge, so the figures are computed once and reused for {@link #FRESH_FOR}.
 */
@Component
class FleetGauges {

    static final Duration FRESH_FOR = Duration.ofSeconds(5);

    private final CapacityService capacity;
    private Capacity last;
    private long lastAt;

    FleetGauges(CapacityService capacity, MeterRegistry registry) {
        this.capacity = capacity;
        gauge(registry, "virtdeck.fleet.hosts", "hosts registered", null, c -> c.totals().hosts());
        for (HostState state : HostState.values()) {
            Gauge.builder("virtdeck.fleet.hosts.state", this, g -> g.current().hostStates()
                            .getOrDefault(state.name(), 0L))
                    .description("hosts in each state").tag("state", state.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        gauge(registry, "virtdeck.fleet.guests", "guests defined", null, c -> c.totals().guests());
        gauge(registry, "virtdeck.fleet.guests.active", "guests running, paused or migrating", null,
                c -> c.totals().activeGuests());
        gauge(registry, "virtdeck.fleet.cpus", "physical CPUs of all hosts", null, c -> c.totals().cpus());
        gauge(registry, "virtdeck.fleet.vcpus.allocated", "vCPUs of active guests", null,
                c -> c.totals().vcpusAllocated());
        gauge(registry, "virtdeck.fleet.memory", "memory of all hosts", "bytes", c -> mib(c.totals().memoryMiB()));
        gauge(registry, "virtdeck.fleet.memory.allocated", "memory of active guests", "bytes",
                c -> mib(c.totals().memoryAllocatedMiB()));
        gauge(registry, "virtdeck.fleet.storage.capacity", "capacity of all pools", "bytes",
                c -> mib(c.totals().storageCapacityMiB()));
        gauge(registry, "virtdeck.fleet.storage.allocation", "allocation of all pools", "bytes",
                c -> mib(c.totals().storageAllocationMiB()));
        gauge(registry, "virtdeck.fleet.room.guests", "guests of the default size (2 vCPUs, 4 GiB) that still fit",
                null, c -> c.totals().guestsThatFit());
    }

    private void gauge(MeterRegistry registry, String name, String description, String unit,
                       ToDoubleFunction<Capacity> value) {
        Gauge.builder(name, this, g -> value.applyAsDouble(g.current())).description(description).baseUnit(unit)
                .register(registry);
    }

    private static double mib(long mib) {
        return mib * 1024.0 * 1024.0;
    }

    private synchronized Capacity current() {
        long now = System.nanoTime();
        if (last == null || now - lastAt > FRESH_FOR.toNanos()) {
            last = capacity.compute(CapacityService.DEFAULT_SIZE);
            lastAt = now;
        }
        return last;
    }
}

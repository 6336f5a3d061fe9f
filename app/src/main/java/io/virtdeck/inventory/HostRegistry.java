package io.virtdeck.inventory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import io.virtdeck.VirtdeckProperties;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.cluster.HostLeases;

/**
 * Virtdeck's own side of host registration: at start it registers the hosts of VIRTDECK_BOOTSTRAP_HOSTS that it does
 * not know yet (unreachable or not: configuration is trusted). Connections to known hosts are opened for the hosts
 * whose lease this instance holds ({@link HostLeases}).
 */
@Component
@Order(1)
public class HostRegistry implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(HostRegistry.class);

    private final HostRepository hosts;
    private final HostLeases leases;
    private final AuditLog audit;
    private final VirtdeckProperties properties;

    public HostRegistry(HostRepository hosts, HostLeases leases, AuditLog audit, VirtdeckProperties properties) {
        this.hosts = hosts;
        this.leases = leases;
        this.audit = audit;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (String entry : properties.bootstrapHosts().split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.trim().split("=", 2);
            if (parts.length != 2) {
                log.error("VIRTDECK_BOOTSTRAP_HOSTS: '{}' is not name=uri; skipped", entry.trim());
                continue;
            }
            addIfUnknown(parts[0].trim(), parts[1].trim());
        }
    }

    /** Registers a host Virtdeck was configured with, unless its name or URI is already known. */
    public void addIfUnknown(String name, String uri) {
        HostNames.checkName(name);
        HostNames.checkUri(uri);
        if (hosts.existsByName(name) || hosts.existsByUri(uri)) {
            return;
        }
        long id = add(name, uri);
        audit.event(AuditAction.HOST_REGISTER, AuditObject.host(id, name), "from configuration: " + uri);
    }

    /**
     * Stores the host and starts monitoring it here (it takes the lease); its facts and guests arrive when the
     * connection opens.
     */
    long add(String name, String uri) {
        return add(name, uri, id -> { });
    }

    /** As {@link #add(String, String)}, with work done before monitoring starts (storing the host's credentials). */
    long add(String name, String uri, java.util.function.LongConsumer beforeMonitoring) {
        long id = hosts.insert(name, uri);
        try {
            beforeMonitoring.accept(id);
        } catch (RuntimeException e) {
            hosts.delete(id);
            throw e;
        }
        leases.takeNew(id, uri);
        return id;
    }
}

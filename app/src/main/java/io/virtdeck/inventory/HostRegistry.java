package io.virtdeck.inventory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import io.virtdeck.VirtdeckProperties;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.hypervisor.HypervisorGateway;

/**
 * Virtdeck's own side of host registration: at start it opens a connection to every known host and registers the
 * hosts of VIRTDECK_BOOTSTRAP_HOSTS that it does not know yet (unreachable or not: configuration is trusted).
 */
@Component
@Order(1)
public class HostRegistry implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(HostRegistry.class);

    private final HostRepository hosts;
    private final HypervisorGateway gateway;
    private final AuditLog audit;
    private final VirtdeckProperties properties;

    public HostRegistry(HostRepository hosts, HypervisorGateway gateway, AuditLog audit,
                        VirtdeckProperties properties) {
        this.hosts = hosts;
        this.gateway = gateway;
        this.audit = audit;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (Host host : hosts.findAll()) {
            gateway.manage(host.id(), host.uri());
        }
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
        audit.event("host.register", AuditObject.host(id, name), "from configuration: " + uri);
    }

    /** Stores the host and starts managing it; its facts and guests arrive when the connection opens. */
    long add(String name, String uri) {
        long id = hosts.insert(name, uri);
        gateway.manage(id, uri);
        return id;
    }
}

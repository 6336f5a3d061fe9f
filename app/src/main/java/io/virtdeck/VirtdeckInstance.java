package io.virtdeck;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

import org.springframework.stereotype.Component;

/**
 * This running Virtdeck among the others on the same database: a random id per process (a restart is a new
 * instance) and, for people reading the instances table or the logs, the machine's name and process id.
 */
@Component
public class VirtdeckInstance {

    private final UUID id = UUID.randomUUID();
    private final String name = machineName() + ":" + ProcessHandle.current().pid();

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    private static String machineName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    @Override
    public String toString() {
        return name + " (" + id + ")";
    }
}

package io.virtdeck.guest.cloudinit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The three files of a NoCloud seed (cloud-init's "cidata" data source): meta-data (the instance id and host name),
 * user-data (cloud-config: the user, keys, password hash, plus the operator's own user-data) and network-config
 * (version 2, each NIC matched by its MAC address, since names inside the guest vary). Written with a YAML serializer:
 * values the operator typed are quoted as YAML needs, never pasted into text.
 */
final class NoCloudSeed {

    static final String META_DATA = "meta-data";
    static final String USER_DATA = "user-data";
    static final String NETWORK_CONFIG = "network-config";

    /**
     * A copy of a template (or of a guest) keeps the template's machine-id; systemd makes a new one from an empty
     * file, and cloud-init-per runs this once per instance. A guest made with a new seed is a new machine.
     */
    private static final List<Object> NEW_MACHINE_ID = List.of("cloud-init-per", "instance", "virtdeck-machine-id",
            "sh", "-c", "rm -f /etc/machine-id /var/lib/dbus/machine-id && systemd-machine-id-setup");

    private NoCloudSeed() {
    }

    /** The seed's files, by name, for a guest whose NICs have the MAC addresses {@code macs} (in order). */
    static Map<String, byte[]> files(CloudInitPlan plan, List<String> macs) {
        CloudInitSettings settings = plan.settings();
        Map<String, byte[]> files = new LinkedHashMap<>();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("instance-id", plan.instanceId());
        meta.put("local-hostname", settings.hostname());
        files.put(META_DATA, yaml(meta, null));
        files.put(USER_DATA, yaml(userData(plan), "#cloud-config"));
        if (!settings.nics().isEmpty() || !settings.dns().isEmpty()) {
            files.put(NETWORK_CONFIG, yaml(network(settings, macs), null));
        }
        return files;
    }

    private static Map<String, Object> userData(CloudInitPlan plan) {
        CloudInitSettings settings = plan.settings();
        Map<String, Object> config = new LinkedHashMap<>();
        if (settings.userData() != null) {
            // checked as a mapping that sets none of the form's keys (CloudInitChecks)
            Map<String, Object> own = new Yaml(new SafeConstructor(new LoaderOptions())).load(settings.userData());
            config.putAll(own);
        }
        String hostname = settings.hostname();
        int dot = hostname.indexOf('.');
        config.put("hostname", dot < 0 ? hostname : hostname.substring(0, dot));
        if (dot > 0) {
            config.put("fqdn", hostname);
        }
        config.put("preserve_hostname", false);
        config.putIfAbsent("manage_etc_hosts", true); // the host name resolves (sudo asks for it)
        List<Object> bootcmd = new ArrayList<>();
        bootcmd.add(NEW_MACHINE_ID);
        if (config.get("bootcmd") instanceof List<?> theirs) {
            bootcmd.addAll(theirs);
        }
        config.put("bootcmd", bootcmd);
        if (settings.user() != null) {
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("name", settings.user());
            user.put("shell", "/bin/bash");
            user.put("sudo", "ALL=(ALL) NOPASSWD:ALL");
            user.put("lock_passwd", plan.passwordHash() == null);
            if (plan.passwordHash() != null) {
                user.put("passwd", plan.passwordHash());
            }
            if (!settings.sshKeys().isEmpty()) {
                user.put("ssh_authorized_keys", settings.sshKeys());
            }
            config.put("users", List.of(user));
        }
        return config;
    }

    private static Map<String, Object> network(CloudInitSettings settings, List<String> macs) {
        Map<String, Object> ethernets = new LinkedHashMap<>();
        for (int i = 0; i < macs.size(); i++) {
            CloudInitRequest.Nic nic = i < settings.nics().size() ? settings.nics().get(i)
                    : new CloudInitRequest.Nic(null, null, null);
            Map<String, Object> ethernet = new LinkedHashMap<>();
            ethernet.put("match", Map.of("macaddress", macs.get(i).toLowerCase(java.util.Locale.ROOT)));
            if (nic.dhcp()) {
                ethernet.put("dhcp4", true);
            } else {
                ethernet.put("addresses", List.of(nic.address()));
                if (nic.gateway() != null) {
                    ethernet.put("routes", List.of(Map.of("to", nic.gateway().contains(":") ? "::/0" : "0.0.0.0/0",
                            "via", nic.gateway())));
                }
            }
            List<String> dns = nic.dns().isEmpty() ? settings.dns() : nic.dns();
            if (!dns.isEmpty()) {
                ethernet.put("nameservers", Map.of("addresses", dns));
            }
            ethernets.put("nic" + i, ethernet);
        }
        Map<String, Object> network = new LinkedHashMap<>();
        network.put("version", 2);
        network.put("ethernets", ethernets);
        return network;
    }

    private static byte[] yaml(Map<String, Object> document, String firstLine) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setSplitLines(false);
        String text = new Yaml(options).dump(document);
        return ((firstLine == null ? "" : firstLine + "\n") + text).getBytes(StandardCharsets.UTF_8);
    }
}

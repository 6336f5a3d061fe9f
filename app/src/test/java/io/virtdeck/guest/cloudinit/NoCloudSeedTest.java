package io.virtdeck.guest.cloudinit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's files read back as cloud-init reads them: what the operator typed arrives as the same values (a YAML
 * serializer quotes them), the operator's own user-data is kept beside the form's, and each NIC is matched by its MAC.
 */
class NoCloudSeedTest {

    private static final String MACS_0 = "52:54:00:AA:00:01";

    private final CloudInitChecks checks = new CloudInitChecks("");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Map<String, byte[]> files, String name) {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(new String(files.get(name),
                StandardCharsets.UTF_8));
    }

    @Test
    @SuppressWarnings("unchecked")
    void userDataHoldsTheUserKeysHashAndTheOperatorsOwnConfig() {
        // a key comment that would be YAML syntax if pasted as text
        String key = CloudInitChecksTest.KEY.replace("ops@virtdeck.test", "ops: {admin} # yes");
        CloudInitPlan plan = checks.check(new CloudInitRequest("web-1.lab.example", "ops", List.of(key),
                "s3cret-enough", null, null, "#cloud-config\npackages: [nginx]\nbootcmd: [[echo, hello]]\n"),
                "web-1", 1, null);
        Map<String, byte[]> files = NoCloudSeed.files(plan, List.of(MACS_0));

        assertThat(files).containsOnlyKeys("meta-data", "user-data");
        assertThat(new String(files.get("user-data"), StandardCharsets.UTF_8)).startsWith("#cloud-config\n");
        Map<String, Object> meta = read(files, "meta-data");
        assertThat(meta).containsEntry("instance-id", plan.instanceId())
                .containsEntry("local-hostname", "web-1.lab.example");
        Map<String, Object> user = read(files, "user-data");
        assertThat(user).containsEntry("hostname", "web-1").containsEntry("fqdn", "web-1.lab.example")
                .containsEntry("packages", List.of("nginx"));
        List<Object> bootcmd = (List<Object>) user.get("bootcmd");
        assertThat(bootcmd).hasSize(2);
        assertThat((List<Object>) bootcmd.get(0)).as("a new machine-id, once per instance")
                .startsWith("cloud-init-per", "instance");
        assertThat(bootcmd.get(1)).isEqualTo(List.of("echo", "hello"));
        Map<String, Object> ops = ((List<Map<String, Object>>) user.get("users")).get(0);
        assertThat(ops).containsEntry("name", "ops").containsEntry("lock_passwd", false)
                .containsEntry("passwd", plan.passwordHash())
                .containsEntry("ssh_authorized_keys", List.of(key));
    }

    @Test
    @SuppressWarnings("unchecked")
    void networkConfigMatchesEachNicByItsMacAndLeavesTheRestOnDhcp() {
        CloudInitPlan plan = checks.check(new CloudInitRequest("web-2", null, null, null, List.of("9.9.9.9"),
                List.of(new CloudInitRequest.Nic("10.20.0.7/16", "10.20.0.1", List.of("10.20.0.2"))), null),
                "web-2", 2, null);
        Map<String, Object> network = read(NoCloudSeed.files(plan, List.of(MACS_0, "52:54:00:aa:00:02")),
                "network-config");
        assertThat(network).containsEntry("version", 2);
        Map<String, Map<String, Object>> ethernets = (Map<String, Map<String, Object>>) network.get("ethernets");
        assertThat(ethernets.get("nic0")).containsEntry("match", Map.of("macaddress", "52:54:00:aa:00:01"))
                .containsEntry("addresses", List.of("10.20.0.7/16"))
                .containsEntry("routes", List.of(Map.of("to", "0.0.0.0/0", "via", "10.20.0.1")))
                .containsEntry("nameservers", Map.of("addresses", List.of("10.20.0.2")))
                .doesNotContainKey("dhcp4");
        assertThat(ethernets.get("nic1")).containsEntry("dhcp4", true)
                .containsEntry("nameservers", Map.of("addresses", List.of("9.9.9.9")));
        Map<String, Object> user = read(NoCloudSeed.files(plan, List.of(MACS_0, "52:54:00:aa:00:02")), "user-data");
        assertThat(user).doesNotContainKey("users").containsEntry("hostname", "web-2");
    }

    @Test
    void withoutNetworkSettingsTheImageKeepsItsOwn() {
        CloudInitPlan plan = checks.check(new CloudInitRequest("web-3", null, null, null, null, null, null), "web-3",
                1, null);
        assertThat(NoCloudSeed.files(plan, List.of(MACS_0))).doesNotContainKey("network-config");
    }
}

package io.virtdeck.guest.cloudinit;

import java.util.List;

import io.virtdeck.core.VirtdeckException;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad cloud-init settings are refused naming their field, before anything is made; good ones come out checked. */
class CloudInitChecksTest {

    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAhgfhQDIPs7jjTlefhcGtuSFRyK4pT0laUqA1VI/Iyt"
            + " ops@virtdeck.test";

    private final CloudInitChecks checks = new CloudInitChecks("cloudInit.");

    private static CloudInitRequest request(String hostname, String user, List<String> keys, String password,
                                            List<CloudInitRequest.Nic> nics, String userData) {
        return new CloudInitRequest(hostname, user, keys, password, null, nics, userData);
    }

    private void refused(CloudInitRequest request, String field, String words) {
        assertThatThrownBy(() -> checks.check(request, "web-1", 2, null))
                .isInstanceOfSatisfying(VirtdeckException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(words);
                });
    }

    @Test
    void goodSettingsComeOutCheckedWithThePasswordOnlyAsItsHash() {
        CloudInitPlan plan = checks.check(request(null, "ops", List.of(KEY, " "), "correct horse",
                List.of(new CloudInitRequest.Nic("192.168.10.5/24", "192.168.10.1", List.of("192.168.10.1"))),
                "#cloud-config\npackages: [htop]\n"), "Web-1", 2, null);
        assertThat(plan.settings().hostname()).as("the guest's name, as a host name").isEqualTo("web-1");
        assertThat(plan.settings().sshKeys()).containsExactly(KEY);
        assertThat(plan.passwordHash()).startsWith("$6$").doesNotContain("correct horse");
        assertThat(Sha2Crypt.sha512Crypt("correct horse".getBytes(), plan.passwordHash()))
                .isEqualTo(plan.passwordHash());
        assertThat(plan.instanceId()).startsWith("virtdeck-");
        assertThat(plan.describe()).contains("hostname web-1", "user ops (1 SSH key(s), a password)",
                "1 static address(es)", "user-data").doesNotContain("$6$");
    }

    @Test
    void aPasswordLeftOutKeepsTheOneSetBeforeAndAnEmptyOneRemovesIt() {
        String kept = Sha2Crypt.sha512Crypt("earlier one".getBytes());
        assertThat(checks.check(request("web-1", "ops", List.of(), null, List.of(), null), "web-1", 1, kept)
                .passwordHash()).isEqualTo(kept);
        assertThat(checks.check(request("web-1", "ops", List.of(), "", List.of(), null), "web-1", 1, kept)
                .passwordHash()).isNull();
    }

    @Test
    void aHostnameWithSpacesOrAGuestNameThatIsNone() {
        refused(request("web 1", null, List.of(), null, List.of(), null), "cloudInit.hostname", "no spaces");
        refused(request("-web", null, List.of(), null, List.of(), null), "cloudInit.hostname", "not a valid host");
        assertThatThrownBy(() -> checks.check(request(null, null, List.of(), null, List.of(), null), "web_1", 1,
                null)).isInstanceOfSatisfying(VirtdeckException.class,
                e -> assertThat(e.field()).isEqualTo("cloudInit.hostname"));
    }

    @Test
    void malformedSshKeysAreNamedByTheirPlace() {
        refused(request("web-1", "ops", List.of(KEY, "ssh-ed25519 not-base64!"), null, List.of(), null),
                "cloudInit.sshKeys[1]", "not base64");
        refused(request("web-1", "ops", List.of("ssh-dsa AAAA"), null, List.of(), null), "cloudInit.sshKeys[0]",
                "not a key type");
        // an RSA key's text under the ed25519 name: the blob says which it is
        refused(request("web-1", "ops", List.of("ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQDHNMoWqoiRibK1JXvFKTzp"),
                null, List.of(), null), "cloudInit.sshKeys[0]", "'ssh-rsa', not 'ssh-ed25519'");
        refused(request("web-1", "ops", List.of(KEY.substring(0, 40)), null, List.of(), null),
                "cloudInit.sshKeys[0]", "Not an OpenSSH public key");
        refused(request("web-1", null, List.of(KEY), null, List.of(), null), "cloudInit.user", "Name the user");
        refused(request("web-1", "root", List.of(KEY), null, List.of(), null), "cloudInit.user", "not root");
        refused(request("web-1", "ops", List.of(), "short", List.of(), null), "cloudInit.password", "8 to 128");
    }

    @Test
    void aStaticAddressMustBeAHostsAddressAndItsGatewayInsideItsPrefix() {
        refused(request("web-1", null, List.of(), null, List.of(new CloudInitRequest.Nic("192.168.10.5/24",
                "192.168.11.1", null)), null), "cloudInit.nics[0].gateway", "outside 192.168.10.5/24's network");
        refused(request("web-1", null, List.of(), null, List.of(new CloudInitRequest.Nic(null, null, null),
                new CloudInitRequest.Nic("192.168.10.0/24", null, null)), null), "cloudInit.nics[1].address",
                "network's own address");
        refused(request("web-1", null, List.of(), null, List.of(new CloudInitRequest.Nic("192.168.10.255/24", null,
                null)), null), "cloudInit.nics[0].address", "broadcast address");
        refused(request("web-1", null, List.of(), null, List.of(new CloudInitRequest.Nic("192.168.10.5", null,
                null)), null), "cloudInit.nics[0].address", "with its prefix length");
        refused(request("web-1", null, List.of(), null, List.of(new CloudInitRequest.Nic("10.0.0.5/33", null,
                null)), null), "cloudInit.nics[0].address", "outside 1..32");
        refused(request("web-1", null, List.of(), null, List.of(new CloudInitRequest.Nic("fd00::5/64", "10.0.0.1",
                null)), null), "cloudInit.nics[0].gateway", "same family");
        refused(request("web-1", null, List.of(), null, List.of(new CloudInitRequest.Nic(null, "10.0.0.1", null)),
                null), "cloudInit.nics[0].gateway", "by DHCP");
        refused(request("web-1", null, List.of(), null, List.of(new CloudInitRequest.Nic("10.0.0.5/24", null,
                List.of("dns.example"))), null), "cloudInit.nics[0].dns[0]", "not an IP address");
        refused(request("web-1", null, List.of(), null, List.of(new CloudInitRequest.Nic(null, null, null),
                new CloudInitRequest.Nic(null, null, null), new CloudInitRequest.Nic(null, null, null)), null),
                "cloudInit.nics", "the guest has 2");
        CloudInitPlan v6 = checks.check(request("web-1", null, List.of(), null, List.of(
                new CloudInitRequest.Nic("fd00:10::5/64", "fd00:10::1", null)), null), "web-1", 1, null);
        assertThat(v6.settings().nics().get(0).gateway()).isEqualTo("fd00:10::1");
    }

    @Test
    void userDataMustBeACloudConfigMappingInValidYamlThatLeavesTheFormsKeysAlone() {
        refused(request("web-1", null, List.of(), null, List.of(), "#cloud-config\npackages: [htop\nruncmd: []\n"),
                "cloudInit.userData", "not valid YAML (line ");
        refused(request("web-1", null, List.of(), null, List.of(), "- just\n- a list\n"), "cloudInit.userData",
                "a YAML mapping");
        refused(request("web-1", null, List.of(), null, List.of(), "#cloud-config\nhostname: other\n"),
                "cloudInit.userData", "sets 'hostname'");
        refused(request("web-1", null, List.of(), null, List.of(), "#cloud-config\nruncmd: ['"
                + "x".repeat(CloudInitChecks.MAX_USER_DATA) + "']\n"), "cloudInit.userData", "at most 64 KiB");
    }
}

package io.virtdeck.inventory;

import io.virtdeck.core.VirtdeckException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"lab1", "kvm-07.rack_2", "9host"})
    void namesOfLettersDigitsDotsUnderscoresAndDashesPass(String name) {
        assertThatCode(() -> HostNames.checkName(name)).doesNotThrowAnyException();
    }

    @Test
    void aNameIsRequiredAtMost64CharactersAndStartsWithALetterOrDigit() {
        refused(() -> HostNames.checkName(" "), "name", "name is required.");
        assertThatCode(() -> HostNames.checkName("h".repeat(64))).doesNotThrowAnyException();
        refused(() -> HostNames.checkName("h".repeat(65)), "name", "name must be at most 64 characters.");
        refused(() -> HostNames.checkName("-lab1"), "name", "must start with a letter or digit.");
        refused(() -> HostNames.checkName("lab 1"), "name", "may use letters, digits");
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu:///system", "qemu+ssh://root@kvm1.example/system", "qemu+tls://kvm1/system",
            "test:///default", "xen+tcp://xen1/"})
    void libvirtUrisWithAKnownDriverTransportAndAPathPass(String uri) {
        assertThatCode(() -> HostNames.checkUri(uri)).doesNotThrowAnyException();
    }

    @Test
    void aUriNeedsALibvirtSchemeAndAPath() {
        refused(() -> HostNames.checkUri(null), "uri", "uri is required");
        refused(() -> HostNames.checkUri("https://kvm1.example/system"), "uri", "uri must be a libvirt URI");
        refused(() -> HostNames.checkUri("qemu+telnet://kvm1/system"), "uri", "uri must be a libvirt URI");
        refused(() -> HostNames.checkUri("qemu+ssh://kvm1"), "uri", "uri needs a path");
        refused(() -> HostNames.checkUri("qemu://kvm 1/system"), "uri", "uri is not a valid URI");
        refused(() -> HostNames.checkUri("qemu:///" + "s".repeat(510)), "uri", "at most 512 characters");
    }

    @Test
    void parametersThatRunProgramsOrPresentTheServersFilesAreRefusedHoweverWritten() {
        assertThatCode(() -> HostNames.checkParameters("qemu+ssh://kvm1/system?no_verify=1&mode=direct"))
                .doesNotThrowAnyException();
        refused(() -> HostNames.checkParameters("qemu+ext://kvm1/system?command=/bin/sh"), "uri",
                "uri may not set the parameter 'command': it would run a program on the Virtdeck server.");
        // libvirt reads names case-insensitively, percent-decoded, and splits on ';' as on '&'
        refused(() -> HostNames.checkParameters("qemu+ssh://kvm1/system?mode=direct;KeyFile=/root/.ssh/id"), "uri",
                "'KeyFile': give the SSH key as the host's credentials instead.");
        refused(() -> HostNames.checkParameters("qemu+ssh://kvm1/system?net%63at=nc"), "uri", "'netcat'");
    }

    private static void refused(Runnable check, String field, String message) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(VirtdeckException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).contains(message);
        });
    }
}

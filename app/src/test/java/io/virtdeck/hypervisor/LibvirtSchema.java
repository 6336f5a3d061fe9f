package io.virtdeck.hypervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/** libvirt's RelaxNG schemas, as virt-xml-validate (from libvirt-clients) applies them. */
final class LibvirtSchema {

    private LibvirtSchema() {
    }

    /** Fails unless {@code xml} is valid by libvirt's schema of that kind (domain, network, pool...). */
    static void assertValid(String xml, String schema) throws IOException, InterruptedException {
        Path validator = Path.of("/usr/bin/virt-xml-validate");
        if (!Files.isExecutable(validator)) {
            fail("virt-xml-validate is missing: apt-get install libvirt-clients (./virtdeck test installs it)");
        }
        Path file = Files.createTempFile("virtdeck-" + schema + "-", ".xml");
        try {
            Files.writeString(file, xml, StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(validator.toString(), file.toString(), schema)
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output + "\n" + xml).isZero();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}

package io.virtdeck.hypervisor;

import java.io.IOException;
import java.util.UUID;

import javax.xml.xpath.XPathFactory;

import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.w3c.dom.Document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The domain XML of a new LXC container (docs/lxc-probe.md): what it holds, libvirt's schema, and a define on the test
 * driver with libvirt's schema check, as on an LXC host (the test driver would take nonsense without it).
 */
class ContainerXmlTest {

    private static final ContainerSpec SPEC = new ContainerSpec(UUID.fromString("0f0e0d0c-0b0a-4908-8706-0504030201cc"),
            "ct-01", 2, 64, "/srv/containers/a&b <root>", true, "default");

    @Test
    void aContainerRunsInitFromItsRootDirectoryWithItsLimitsNicAndConsole() throws Exception {
        Document xml = SafeXml.parse(ContainerXml.write(SPEC));
        assertThat(text(xml, "/domain/@type")).isEqualTo("lxc");
        assertThat(text(xml, "/domain/name")).isEqualTo("ct-01");
        assertThat(text(xml, "/domain/uuid")).isEqualTo(SPEC.uuid().toString());
        assertThat(text(xml, "/domain/memory")).isEqualTo("64");
        assertThat(text(xml, "/domain/memory/@unit")).isEqualTo("MiB");
        assertThat(text(xml, "/domain/vcpu")).isEqualTo("2");
        assertThat(text(xml, "/domain/cputune/period")).isEqualTo("100000");
        assertThat(text(xml, "/domain/cputune/quota")).as("two CPUs' worth of time").isEqualTo("200000");
        assertThat(text(xml, "/domain/os/type")).isEqualTo("exe");
        assertThat(text(xml, "/domain/os/init")).isEqualTo("/sbin/init");
        assertThat(text(xml, "//filesystem[@type='mount']/source/@dir")).as("escaped by the XML library, read back whole")
                .isEqualTo("/srv/containers/a&b <root>");
        assertThat(text(xml, "//filesystem/target/@dir")).isEqualTo("/");
        assertThat(text(xml, "count(//filesystem/readonly)")).isEqualTo("1");
        assertThat(text(xml, "//interface[@type='network']/source/@network")).isEqualTo("default");
        assertThat(text(xml, "//console/@type")).isEqualTo("pty");
        assertThat(text(xml, "count(//disk|//graphics)")).isEqualTo("0");
    }

    @Test
    void withoutNetworkOrReadOnlyRootItHasNeither() throws Exception {
        Document xml = SafeXml.parse(ContainerXml.write(new ContainerSpec(SPEC.uuid(), "ct-02", 1, 32, "/srv/ct",
                false, null)));
        assertThat(text(xml, "count(//interface)")).isEqualTo("0");
        assertThat(text(xml, "count(//filesystem/readonly)")).isEqualTo("0");
        assertThat(text(xml, "/domain/cputune/quota")).isEqualTo("100000");
    }

    @Test
    void libvirtsSchemaTakesIt() throws IOException, InterruptedException {
        LibvirtSchema.assertValid(ContainerXml.write(SPEC), "domain");
    }

    @Test
    void theTestDriverDefinesItWithTheSchemaCheckAndRefusesWhatTheSchemaRefuses() throws Exception {
        Connect connect = new Connect("test:///default");
        try {
            ContainerSpec spec = new ContainerSpec(UUID.randomUUID(), "ct-xml-" + System.nanoTime(), 1, 32,
                    "/srv/ct", true, "default");
            LibvirtNative.defineDomain(connect, ContainerXml.write(spec), LibvirtFlags.DEFINE_VALIDATE);
            Domain domain = connect.domainLookupByUUID(spec.uuid());
            try {
                Document defined = SafeXml.parse(domain.getXMLDesc(0));
                assertThat(text(defined, "/domain/@type")).isEqualTo("lxc");
                assertThat(text(defined, "/domain/os/init")).isEqualTo("/sbin/init");
                assertThat(text(defined, "//filesystem/source/@dir")).isEqualTo("/srv/ct");
                assertThat(domain.isPersistent()).isOne();
                domain.undefine();
            } finally {
                domain.free();
            }
            String noTarget = ContainerXml.write(spec).replace("<target dir=\"/\"/>", "");
            assertThat(noTarget).doesNotContain("<target");
            assertThatThrownBy(() -> LibvirtNative.defineDomain(connect, noTarget, LibvirtFlags.DEFINE_VALIDATE))
                    .isInstanceOf(io.virtdeck.core.HypervisorException.class);
        } finally {
            connect.close();
        }
    }

    private static String text(Document xml, String expression) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(expression, xml);
    }
}

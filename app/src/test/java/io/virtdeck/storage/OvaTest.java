package io.virtdeck.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.virtdeck.core.VirtdeckException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.virtdeck.support.Commands.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** OVA archives and OVF descriptors: what is read, and what is refused or left unwritten. */
class OvaTest {

    private static final String HEAD = """
            <Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"
                      xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
                      xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
              <References><File ovf:id="f1" ovf:href="a.vmdk"/><File ovf:id="f2" ovf:href="b.vmdk"/></References>
              <DiskSection><Disk ovf:diskId="d1" ovf:fileRef="f1"/><Disk ovf:diskId="d2" ovf:fileRef="f2"/></DiskSection>
            """;

    @Test
    void theGuestsNameCpusMemoryAndDisksAreRead(@TempDir Path dir) throws IOException {
        Path ovf = write(dir, HEAD + """
                  <VirtualSystem ovf:id="sys-id"><Name>web-01</Name><VirtualHardwareSection>
                    <Item><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>4</rasd:VirtualQuantity></Item>
                    <Item><rasd:AllocationUnits>byte * 2^30</rasd:AllocationUnits><rasd:ResourceType>4</rasd:ResourceType>
                      <rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>
                  </VirtualHardwareSection></VirtualSystem></Envelope>
                """);
        Ova.Descriptor descriptor = Ova.read(ovf);
        assertThat(descriptor).isEqualTo(new Ova.Descriptor("web-01", 4, 2048, java.util.List.of("a.vmdk", "b.vmdk")));
    }

    @Test
    void aDescriptorWithADoctypeIsRefusedBeforeAnyEntityIsRead(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "do-not-leak");
        Path ovf = write(dir, "<?xml version=\"1.0\"?>\n<!DOCTYPE Envelope [<!ENTITY leak SYSTEM \"file://" + secret
                + "\">]>\n" + HEAD + "<VirtualSystem ovf:id=\"x\"><Name>&leak;</Name></VirtualSystem></Envelope>");
        assertThatThrownBy(() -> Ova.read(ovf)).isInstanceOf(VirtdeckException.class)
                .hasMessageContaining("not XML Virtdeck reads").hasMessageNotContaining("do-not-leak")
                .satisfies(e -> assertThat(((VirtdeckException) e).field()).isEqualTo("image"));
    }

    @Test
    void onlyPlainFileNamesAreUnpackedAndNothingLandsOutsideTheDirectory(@TempDir Path dir) throws Exception {
        Path source = Files.createDirectories(dir.resolve("source/sub"));
        Files.writeString(dir.resolve("source/good.ovf"), "<x/>");
        Files.writeString(source.resolve("nested.vmdk"), "nested");
        Path ova = dir.resolve("x.ova");
        // a member named with "..", one in a directory, and a plain one
        run("tar", "--format=ustar", "-C", dir.resolve("source").toString(), "-cf", ova.toString(),
                "--transform", "s,^sub/nested.vmdk,../escaped.vmdk,", "good.ovf", "sub/nested.vmdk");
        run("tar", "--format=ustar", "-C", dir.resolve("source").toString(), "-rf", ova.toString(), "sub");
        Path target = Files.createDirectories(dir.resolve("target"));
        assertThat(Ova.isOva(ova)).isTrue();
        Map<String, Path> files = Ova.unpack(ova, target);
        assertThat(files).containsOnlyKeys("good.ovf");
        assertThat(Files.readString(files.get("good.ovf"))).isEqualTo("<x/>");
        assertThat(dir.resolve("escaped.vmdk")).doesNotExist();
        try (var listed = Files.list(target)) {
            assertThat(listed.map(p -> p.getFileName().toString())).containsExactly("good.ovf");
        }
    }

    @Test
    void aDiskImageIsNotAnOva(@TempDir Path dir) throws IOException {
        assertThat(Ova.isOva(Files.write(dir.resolve("disk.raw"), new byte[4096]))).isFalse();
    }

    private static Path write(Path dir, String text) throws IOException {
        return Files.writeString(dir.resolve("d.ovf"), text, StandardCharsets.UTF_8);
    }
}

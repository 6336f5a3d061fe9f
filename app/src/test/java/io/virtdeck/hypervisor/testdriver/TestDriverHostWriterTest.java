package io.virtdeck.hypervisor.testdriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo.DomainState;
import org.libvirt.NodeInfo;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.virtdeck.hypervisor.testdriver.SimulatedFleet.SimulatedHostFile;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.CpuTopology;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Disk;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Guest;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Network;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.NetworkMode;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Nic;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Pool;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.RunState;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Volume;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.VolumeFormat;

/** Host files written for libvirt's test driver, opened for real by libvirt in this process. */
class TestDriverHostWriterTest {

    private static final String NASTY = "a<b>&\"'";

    @TempDir
    Path dir;

    @Test
    void demoFleetHasThreeHostsOfTheAdvertisedShape() {
        List<SimulatedHostSpec> hosts = SimulatedFleet.demo().hosts();

        assertThat(hosts).extracting(SimulatedHostSpec::name).containsExactly("sim-alpha", "sim-bravo", "sim-charlie");
        assertThat(hosts).extracting(h -> h.cpu().logicalCpus()).containsExactly(16, 32, 64);
        assertThat(hosts).extracting(SimulatedHostSpec::memoryMiB)
                .containsExactly(64L * 1024, 128L * 1024, 256L * 1024);
        Set<String> allNames = new HashSet<>();
        Set<String> allMacs = new HashSet<>();
        Set<UUID> allUuids = new HashSet<>();
        for (SimulatedHostSpec host : hosts) {
            List<Guest> guests = host.guests();
            assertThat(guests).hasSizeBetween(8, 15);
            Map<RunState, Long> byState = guests.stream()
                    .collect(Collectors.groupingBy(Guest::state, Collectors.counting()));
            assertThat(byState.get(RunState.PAUSED)).as(host.name() + " paused").isBetween(1L, 2L);
            assertThat(byState.get(RunState.SHUTOFF)).as(host.name() + " shut off").isPositive();
            assertThat(byState.get(RunState.RUNNING)).as(host.name() + " running").isGreaterThan(guests.size() / 2L);
            for (Guest guest : guests) {
                assertThat(guest.name()).matches("[a-z]+-\\d{2,}");
                assertThat(guest.vcpus()).isBetween(1, 4);
                assertThat(guest.memoryMiB()).isBetween(512L, 16L * 1024);
                assertThat(allNames.add(guest.name())).as("fleet-unique name " + guest.name()).isTrue();
                assertThat(allUuids.add(guest.uuid())).isTrue();
                for (Nic nic : guest.nics()) {
                    assertThat(nic.mac()).startsWith("52:54:00:");
                    assertThat(allMacs.add(nic.mac())).as("fleet-unique MAC " + nic.mac()).isTrue();
                }
            }
            assertThat(host.networks()).extracting(Network::name).startsWith("default");
            assertThat(host.pools()).extracting(Pool::name).containsExactly("default");
            assertThat(host.pool("default").path()).isEqualTo("/var/lib/libvirt/images");
            assertThat(host.pool("default").volumes()).filteredOn(v -> v.format() == VolumeFormat.ISO)
                    .hasSizeBetween(1, 2);
        }
        assertThat(hosts.get(0).networks()).hasSize(1);
        assertThat(hosts.get(1).networks()).extracting(Network::name).containsExactly("default", "isolated");
    }

    @Test
    void demoFleetOpensInLibvirtAsGenerated() throws Exception {
        SimulatedFleet fleet = SimulatedFleet.demo();
        List<SimulatedHostFile> files = fleet.writeTo(dir);

        assertThat(files).extracting(SimulatedHostFile::hostName)
                .containsExactly("sim-alpha", "sim-bravo", "sim-charlie");
        assertThat(files).extracting(f -> f.file().getFileName().toString())
                .containsExactly("sim-alpha.xml", "sim-bravo.xml", "sim-charlie.xml");
        for (int i = 0; i < files.size(); i++) {
            SimulatedHostFile file = files.get(i);
            assertThat(file.uri()).isEqualTo("test://" + file.file().toAbsolutePath());
            assertHostMatches(fleet.hosts().get(i), "test://" + file.file().toAbsolutePath());
        }
    }

    @Test
    void scaleFleetOfManyHostsOpensInLibvirt() throws Exception {
        SimulatedFleet fleet = SimulatedFleet.of(7, 5, 60);
        List<SimulatedHostFile> files = fleet.writeTo(dir);

        assertThat(files).extracting(SimulatedHostFile::hostName)
                .containsExactly("sim-alpha", "sim-bravo", "sim-charlie", "sim-delta", "sim-echo");
        assertThat(fleet.hosts()).allSatisfy(h -> assertThat(h.guests()).hasSize(60));
        assertThat(fleet.hosts().stream().flatMap(h -> h.guests().stream()).map(Guest::name).distinct().count())
                .isEqualTo(300);
        for (int i = 0; i < files.size(); i++) {
            assertHostMatches(fleet.hosts().get(i), files.get(i).uri());
        }
        assertThat(SimulatedFleet.hostName(26)).isEqualTo("sim-alpha-2");
        assertThat(SimulatedFleet.of(1, 1, 0).hosts().get(0).guests()).isEmpty();
    }

    @Test
    void sameSeedWritesTheSameBytesAndRewritingReplacesTheFiles() throws Exception {
        TestDriverHostWriter writer = new TestDriverHostWriter();
        SimulatedHostSpec first = SimulatedFleet.demo(42).hosts().get(1);
        SimulatedHostSpec again = SimulatedFleet.demo(42).hosts().get(1);
        SimulatedHostSpec other = SimulatedFleet.demo(43).hosts().get(1);
        assertThat(writer.toXml(again)).isEqualTo(writer.toXml(first));
        assertThat(writer.toXml(other)).isNotEqualTo(writer.toXml(first));

        List<SimulatedHostFile> written = SimulatedFleet.demo(42).writeTo(dir);
        byte[] before = Files.readAllBytes(written.get(1).file());
        Files.writeString(written.get(0).file(), "stale");
        List<SimulatedHostFile> rewritten = SimulatedFleet.demo(42).writeTo(dir);
        assertThat(Files.readAllBytes(rewritten.get(1).file())).isEqualTo(before);
        assertThat(Files.readString(rewritten.get(0).file())).startsWith("<?xml").contains("<name>");
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("sim-alpha.xml", "sim-bravo.xml", "sim-charlie.xml");
        }
    }

    @Test
    void metacharactersInNamesArriveIntactInTheFileAndInLibvirt() throws Exception {
        String volume = "disk &<\"'>.qcow2";
        String network = "net&<\"'>";
        SimulatedHostSpec host = new SimulatedHostSpec("odd host",
                new CpuTopology("Model <&\"'>", 1000, 1, 1, 2, 1), 2048,
                List.of(new Guest(NASTY, UUID.nameUUIDFromBytes(NASTY.getBytes(StandardCharsets.UTF_8)), 1, 256,
                        RunState.PAUSED, List.of(Disk.disk("p&<>", volume, "vda", VolumeFormat.QCOW2)),
                        List.of(new Nic(network, "52:54:00:AA:BB:CC")), true)),
                List.of(new Network(network, UUID.randomUUID(), "virbr9", NetworkMode.ISOLATED, "10.9.0.1", 24,
                        "10.9.0.2", "10.9.0.254")),
                List.of(new Pool("p&<>", UUID.randomUUID(), "/srv/a&b <c>", List.of(
                        new Volume(volume, 1024, 10, VolumeFormat.QCOW2)))));
        Path file = new TestDriverHostWriter().write(host, dir.resolve("odd.xml"));

        Document doc = parse(Files.readAllBytes(file));
        Element domain = (Element) doc.getElementsByTagName("domain").item(0);
        assertThat(firstText(domain, "name")).isEqualTo(NASTY);
        Element source = (Element) domain.getElementsByTagName("source").item(0);
        assertThat(source.getAttribute("file")).isEqualTo("/srv/a&b <c>/" + volume);
        NodeList runstate = domain.getElementsByTagNameNS(TestDriverHostWriter.TEST_NAMESPACE, "runstate");
        assertThat(runstate.getLength()).isEqualTo(1);
        assertThat(runstate.item(0).getTextContent()).isEqualTo("3");
        assertThat(firstText(doc.getDocumentElement(), "model")).isEqualTo("Model <&\"'>");

        Connect conn = new Connect("test://" + file.toAbsolutePath(), false);
        try {
            Domain d = conn.domainLookupByName(NASTY);
            assertThat(d.getName()).isEqualTo(NASTY);
            assertThat(d.getInfo().state).isEqualTo(DomainState.VIR_DOMAIN_PAUSED);
            Document live = parse(d.getXMLDesc(0).getBytes(StandardCharsets.UTF_8));
            Element liveSource = (Element) live.getElementsByTagName("source").item(0);
            assertThat(liveSource.getAttribute("file")).isEqualTo("/srv/a&b <c>/" + volume);
            assertThat(conn.listNetworks()).containsExactly(network);
            StoragePool pool = conn.storagePoolLookupByName("p&<>");
            assertThat(pool.listVolumes()).containsExactly(volume);
            assertThat(conn.nodeInfo().model).isEqualTo("Model <&\"'>");
        } finally {
            conn.close();
        }
    }

    @Test
    void aDirectoryWithSpacesIsReachedThroughTheEncodedUri() throws Exception {
        Path odd = dir.resolve("with space #1");
        SimulatedHostFile file = SimulatedFleet.of(3, 1, 2).writeTo(odd).get(0);
        assertThat(file.uri()).contains("with%20space%20%231");

        Connect conn = new Connect(file.uri(), false);
        try {
            assertThat(conn.listAllDomains(0)).hasSize(2);
        } finally {
            conn.close();
        }
    }

    @Test
    void textXmlCannotHoldIsRefused() {
        SimulatedHostSpec host = new SimulatedHostSpec("h", new CpuTopology("m", 1000, 1, 1, 1, 1), 1024,
                List.of(new Guest("bad\u0001name", UUID.randomUUID(), 1, 256, RunState.RUNNING, List.of(), List.of(),
                        false)),
                List.of(), List.of());
        assertThatThrownBy(() -> new TestDriverHostWriter().toXml(host))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+0001");
        assertThatThrownBy(() -> new CpuTopology("x".repeat(32), 1000, 1, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------------------------------------------------

    private static void assertHostMatches(SimulatedHostSpec host, String uri) throws Exception {
        Connect conn = new Connect(uri, false);
        try {
            NodeInfo node = conn.nodeInfo();
            assertThat(node.cpus).as(host.name() + " cpus").isEqualTo(host.cpu().logicalCpus());
            assertThat(node.memory).as(host.name() + " memory KiB").isEqualTo(host.memoryMiB() * 1024);
            assertThat(node.mhz).isEqualTo(host.cpu().mhz());
            assertThat(node.model).isEqualTo(host.cpu().model());

            Domain[] domains = conn.listAllDomains(0);
            assertThat(domains).as(host.name() + " domains").hasSize(host.guests().size());
            Map<String, DomainState> states = new HashMap<>();
            for (Domain domain : domains) {
                states.put(domain.getName(), domain.getInfo().state);
            }
            Map<String, DomainState> expected = new HashMap<>();
            for (Guest guest : host.guests()) {
                expected.put(guest.name(), switch (guest.state()) {
                    case RUNNING -> DomainState.VIR_DOMAIN_RUNNING;
                    case PAUSED -> DomainState.VIR_DOMAIN_PAUSED;
                    case SHUTOFF -> DomainState.VIR_DOMAIN_SHUTOFF;
                });
            }
            assertThat(states).as(host.name() + " names and states").isEqualTo(expected);

            for (Guest guest : host.guests()) {
                Domain domain = conn.domainLookupByName(guest.name());
                assertThat(domain.getUUIDString()).isEqualTo(guest.uuid().toString());
                DomainInfoView info = DomainInfoView.of(domain);
                assertThat(info.vcpus).isEqualTo(guest.vcpus());
                assertThat(info.maxMemKiB).isEqualTo(guest.memoryMiB() * 1024);
                Document xml = parse(domain.getXMLDesc(0).getBytes(StandardCharsets.UTF_8));
                List<String> sources = new ArrayList<>();
                NodeList disks = xml.getElementsByTagName("disk");
                for (int i = 0; i < disks.getLength(); i++) {
                    Element source = (Element) ((Element) disks.item(i)).getElementsByTagName("source").item(0);
                    sources.add(source.getAttribute("file"));
                }
                assertThat(sources).containsExactlyElementsOf(guest.disks().stream()
                        .map(d -> host.pool(d.pool()).volumePath(d.volume())).toList());
                List<String> macs = new ArrayList<>();
                NodeList macNodes = xml.getElementsByTagName("mac");
                for (int i = 0; i < macNodes.getLength(); i++) {
                    macs.add(((Element) macNodes.item(i)).getAttribute("address"));
                }
                assertThat(macs).containsExactlyElementsOf(guest.nics().stream().map(Nic::mac).toList());
                assertThat(xml.getElementsByTagName("graphics").getLength()).isEqualTo(guest.vncGraphics() ? 1 : 0);
            }

            assertThat(conn.listNetworks()).containsExactlyInAnyOrderElementsOf(
                    host.networks().stream().map(Network::name).toList());
            assertThat(conn.listStoragePools()).containsExactlyInAnyOrderElementsOf(
                    host.pools().stream().map(Pool::name).toList());
            for (Pool pool : host.pools()) {
                StoragePool livePool = conn.storagePoolLookupByName(pool.name());
                assertThat(livePool.getUUIDString()).isEqualTo(pool.uuid().toString());
                assertThat(livePool.listVolumes()).containsExactlyInAnyOrderElementsOf(
                        pool.volumes().stream().map(Volume::name).toList());
                long allocated = 0;
                for (Volume volume : pool.volumes()) {
                    StorageVol vol = livePool.storageVolLookupByName(volume.name());
                    assertThat(vol.getPath()).isEqualTo(pool.volumePath(volume.name()));
                    assertThat(vol.getInfo().capacity).isEqualTo(volume.capacityMiB() * 1024 * 1024);
                    assertThat(vol.getInfo().allocation).isEqualTo(volume.allocationMiB() * 1024 * 1024);
                    allocated += vol.getInfo().allocation;
                }
                assertThat(livePool.getInfo().allocation).isEqualTo(allocated);
                assertThat(livePool.getInfo().available).as("pool stays within its 100 GiB").isPositive();
            }
        } finally {
            conn.close();
        }
    }

    /** The two DomainInfo numbers checked, read once. */
    private record DomainInfoView(int vcpus, long maxMemKiB) {
        static DomainInfoView of(Domain domain) throws Exception {
            var info = domain.getInfo();
            return new DomainInfoView(info.nrVirtCpu, info.maxMem);
        }
    }

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    private static String firstText(Element parent, String name) {
        return parent.getElementsByTagName(name).item(0).getTextContent();
    }
}

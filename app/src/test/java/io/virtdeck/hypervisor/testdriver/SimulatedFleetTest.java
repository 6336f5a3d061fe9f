package io.virtdeck.hypervisor.testdriver;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.NodeInfo;

import static org.assertj.core.api.Assertions.assertThat;

/** The generated host files open in libvirt's test driver and describe exactly the fleet that was specified. */
class SimulatedFleetTest {

    @TempDir
    Path dir;

    @Test
    void theDemoFleetOpensInLibvirtAsSpecified() throws Exception {
        SimulatedFleet fleet = SimulatedFleet.demo();
        List<SimulatedFleet.SimulatedHostFile> files = fleet.writeTo(dir);
        assertThat(files).hasSize(3);

        for (int i = 0; i < files.size(); i++) {
            SimulatedHostSpec spec = fleet.hosts().get(i);
            Connect connect = new Connect(files.get(i).uri(), false);
            try {
                NodeInfo node = connect.nodeInfo();
                assertThat(node.cpus).isEqualTo(spec.cpu().logicalCpus());
                assertThat(node.memory / 1024).isEqualTo(spec.memoryMiB());

                Map<String, DomainInfo.DomainState> states = new HashMap<>();
                for (Domain domain : connect.listAllDomains(0)) {
                    states.put(domain.getName(), domain.getInfo().state);
                    domain.free();
                }
                assertThat(states).hasSizeBetween(8, 15);
                for (SimulatedHostSpec.Guest guest : spec.guests()) {
                    assertThat(states.get(guest.name())).as(guest.name()).isEqualTo(expected(guest.state()));
                    assertThat(connect.domainLookupByUUID(guest.uuid()).getName()).isEqualTo(guest.name());
                }
                assertThat(connect.numOfDefinedStoragePools() + connect.numOfStoragePools())
                        .isEqualTo(spec.pools().size());
                assertThat(connect.numOfNetworks() + connect.numOfDefinedNetworks()).isEqualTo(spec.networks().size());
            } finally {
                connect.close();
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameFleetAndLargeFleetsAreGenerated() {
        assertThat(SimulatedFleet.demo(7).hosts()).isEqualTo(SimulatedFleet.demo(7).hosts());
        SimulatedFleet big = SimulatedFleet.of(1, 20, 50);
        assertThat(big.hosts()).hasSize(20);
        List<UUID> uuids = new ArrayList<>();
        big.hosts().forEach(h -> h.guests().forEach(g -> uuids.add(g.uuid())));
        assertThat(uuids).hasSize(1000).doesNotHaveDuplicates();
    }

    @Test
    void namesWithXmlMetacharactersAreEscapedByTheWriter() {
        SimulatedHostSpec demoHost = SimulatedFleet.demo().hosts().get(0);
        SimulatedHostSpec.Guest first = demoHost.guests().get(0);
        SimulatedHostSpec.Guest odd = new SimulatedHostSpec.Guest("a<b>&\"'c", UUID.randomUUID(), first.vcpus(),
                first.memoryMiB(), first.state(), List.of(), List.of(), first.vncGraphics());
        SimulatedHostSpec host = new SimulatedHostSpec(demoHost.name(), demoHost.cpu(), demoHost.memoryMiB(),
                List.of(odd), demoHost.networks(), demoHost.pools());

        String xml = new TestDriverHostWriter().toXml(host);

        assertThat(xml).doesNotContain("a<b>").contains("a&lt;b&gt;&amp;");
        assertThat(new TestDriverHostWriter().toDocument(host).getElementsByTagName("name").item(0).getTextContent())
                .isEqualTo("a<b>&\"'c");
    }

    private static DomainInfo.DomainState expected(SimulatedHostSpec.RunState state) {
        return switch (state) {
            case RUNNING -> DomainInfo.DomainState.VIR_DOMAIN_RUNNING;
            case PAUSED -> DomainInfo.DomainState.VIR_DOMAIN_PAUSED;
            case SHUTOFF -> DomainInfo.DomainState.VIR_DOMAIN_SHUTOFF;
        };
    }
}

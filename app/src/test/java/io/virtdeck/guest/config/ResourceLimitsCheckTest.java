package io.virtdeck.guest.config;

import java.util.List;
import java.util.UUID;

import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.ResourceLimits;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostState;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Limits as a PATCH's "limits" gives them, for a 2-vCPU guest with disks vda and vdb on an 8-CPU, 16 GiB host. */
class ResourceLimitsCheckTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Host HOST = new Host(1, "kvm1", "qemu:///system", HostState.CONNECTED, null, null, 8, 16_384L,
            1, false, null, null);
    private static final Guest GUEST = new Guest(1, "web", UUID.randomUUID(), 1, "kvm1", DomainRunState.RUNNING, 2,
            2048, false, true, false, "hvm", List.of(disk("vda"), disk("vdb")), List.of(), List.of(), null, null,
            false, false);

    @Test
    void limitsWithinWhatLibvirtAndTheHostAcceptPass() {
        assertThatCode(() -> check("{'cpuShares':2048,'cpuQuotaUs':-1,'cpuPeriodUs':100000,"
                + "'memoryHardLimitMiB':4096,'memorySoftLimitMiB':2048,'blkioWeight':500,"
                + "'disks':[{'target':'vda','totalIops':500},{'target':'vdb','readBytesSec':1048576}],"
                + "'vcpuPins':[{'vcpu':0,'cpuset':'0-3,6'},{'vcpu':1,'cpuset':'7'}],"
                + "'numa':{'mode':'strict','nodeset':'0'}}")).doesNotThrowAnyException();
    }

    @Test
    void cgroupRangesAreNamedInTheRefusal() {
        refused("{'cpuShares':1}", "limits.cpuShares", "limits.cpuShares must be between 2 and 262144.");
        refused("{'cpuQuotaUs':999}", "limits.cpuQuotaUs", "must be between 1000 and");
        refused("{'blkioWeight':50}", "limits.blkioWeight", "limits.blkioWeight must be between 100 and 1000.");
    }

    @Test
    void memoryLimitsStayWithinTheHostAndTheSoftOneUnderTheHardOne() {
        refused("{'memoryHardLimitMiB':32768}", "limits.memoryHardLimitMiB", "must be between 16 and 16384.");
        refused("{'memoryHardLimitMiB':2048,'memorySoftLimitMiB':4096}", "limits.memorySoftLimitMiB",
                "The soft memory limit cannot be above the hard one.");
    }

    @Test
    void diskCapsNameTheGuestsDisksOnceAndATotalExcludesReadAndWriteOfItsKind() {
        refused("{'disks':[{'target':'sda','totalIops':10}]}", "limits.disks", "The guest has no disk 'sda'.");
        refused("{'disks':[{'target':'vda','totalIops':10},{'target':'vda','readIops':5}]}", "limits.disks",
                "Disk 'vda' is listed twice.");
        refused("{'disks':[{'target':'vda','totalIops':10,'writeIops':5}]}", "limits.disks",
                "a total cap and read or write caps of the same kind exclude each other.");
        // a total of one kind goes with read and write caps of the other
        assertThatCode(() -> check("{'disks':[{'target':'vda','totalIops':10,'readBytesSec':1048576}]}"))
                .doesNotThrowAnyException();
    }

    @Test
    void pinsNameTheGuestsVcpusAndTheHostsCpus() {
        refused("{'vcpuPins':[{'vcpu':2,'cpuset':'0'}]}", "limits.vcpuPins",
                "vCPU 2 does not exist: 'web' has vCPUs 0 to 1.");
        refused("{'vcpuPins':[{'vcpu':0,'cpuset':'0-8'}]}", "limits.vcpuPins", "There is no host CPU 8 on this host.");
        refused("{'vcpuPins':[{'vcpu':0,'cpuset':'all'}]}", "limits.vcpuPins",
                "'all' is not a list of host CPUs such as 0-3,6.");
        refused("{'numa':{'mode':'local','nodeset':'0'}}", "limits.numa.mode", "The NUMA mode is one of strict");
    }

    private static DiskFacts disk(String target) {
        return new DiskFacts("disk", target, "virtio", "qcow2", "/var/lib/libvirt/images/" + target + ".qcow2");
    }

    /** Limits as the API reads them: written with single quotes here for legibility. */
    private static void check(String json) {
        ResourceLimitsCheck.check(JSON.readValue(json.replace('\'', '"'), ResourceLimits.class), GUEST, HOST, 2);
    }

    private static void refused(String json, String field, String message) {
        assertThatThrownBy(() -> check(json)).isInstanceOfSatisfying(VirtdeckException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).contains(message);
        });
    }
}

package io.virtdeck.hypervisor;

import java.util.Optional;
import java.util.UUID;

import org.libvirt.DomainBlockJobInfo;
import org.libvirt.TypedParameter;
import org.libvirt.TypedUlongParameter;
import org.springframework.stereotype.Component;
import io.virtdeck.core.HypervisorException;

/**
 * The libvirt-backed {@link DiskCopyGateway}: virDomainBlockCopy, virDomainGetBlockJobInfo, virDomainBlockJobAbort;
 * virDomainDefineXML for a shut-off domain's disk.
 */
@Component
class LibvirtDiskCopies implements DiskCopyGateway {

    /** virDomainBlockJobType VIR_DOMAIN_BLOCK_JOB_TYPE_COPY. */
    private static final int JOB_TYPE_COPY = 2;

    private final HostConnections connections;

    LibvirtDiskCopies(HostConnections connections) {
        this.connections = connections;
    }

    @Override
    public void startCopy(long hostId, UUID uuid, String target, String pool, String volume, String format,
                          long bytesPerSecond) {
        connections.call(hostId, session -> {
            VolumeFacts copy = session.volume(pool, volume, LibvirtStorage::read);
            return session.domain(uuid, domain -> {
                // libvirt-java cannot pass an empty parameter list; a bandwidth of 0 is libvirt's "unlimited"
                TypedParameter[] parameters = {new TypedUlongParameter("bandwidth", bytesPerSecond)};
                domain.blockCopy(target, DeviceXml.copyDestination(copy, format), parameters,
                        LibvirtFlags.BLOCK_COPY_REUSE_EXT | LibvirtFlags.BLOCK_COPY_TRANSIENT_JOB);
                return null;
            });
        });
    }

    @Override
    public Optional<DiskCopyProgress> copyProgress(long hostId, UUID uuid, String target) {
        return connections.call(hostId, session -> session.domain(uuid, domain -> {
            DomainBlockJobInfo job = domain.getBlockJobInfo(target, 0);
            return job.type == JOB_TYPE_COPY ? Optional.of(new DiskCopyProgress(job.cur, job.end))
                    : Optional.<DiskCopyProgress>empty();
        }));
    }

    @Override
    public void pivot(long hostId, UUID uuid, String target) {
        connections.call(hostId, session -> session.domain(uuid, domain -> {
            domain.blockJobAbort(target, LibvirtFlags.BLOCK_JOB_ABORT_PIVOT);
            return null;
        }));
    }

    @Override
    public void pointDiskAt(long hostId, UUID uuid, String target, String pool, String volume) {
        connections.call(hostId, session -> {
            VolumeFacts copy = session.volume(pool, volume, LibvirtStorage::read);
            return session.domain(uuid, domain -> {
                if (domain.isActive() == 1) {
                    throw new HypervisorException(HypervisorException.Kind.INVALID_STATE, "the guest was started while"
                            + " its disk was copied");
                }
                session.connect().domainDefineXML(DeviceXml.withDiskMoved(
                        domain.getXMLDesc(LibvirtFlags.DEFINITION_WITH_SECRETS), target, pool, copy)).free();
                return null;
            });
        });
    }

    @Override
    public Optional<DiskUse> useOf(long hostId, String pool, String volume) {
        return connections.call(hostId, session -> {
            String path = session.volume(pool, volume, LibvirtStorage::read).path();
            // without flags: a running domain's live XML, where a copy shows as the disk's <mirror>
            return session.eachDomain(0, domain -> DeviceXml.useOf(domain.getXMLDesc(0), path, pool + "/" + volume)
                    .orElse(null)).stream().findFirst();
        });
    }

    @Override
    public void abortCopy(long hostId, UUID uuid, String target) {
        connections.call(hostId, session -> session.domain(uuid, domain -> {
            domain.blockJobAbort(target, 0);
            return null;
        }));
    }
}

package io.virtdeck.hypervisor;

import java.time.Instant;
import java.util.UUID;

import org.libvirt.Domain;
import org.springframework.stereotype.Component;

/** The libvirt-backed {@link ConsoleGateway}. */
@Component
class LibvirtConsoles implements ConsoleGateway {

    private final HostConnections connections;
    private final HostDirectory directory;

    LibvirtConsoles(HostConnections connections, HostDirectory directory) {
        this.connections = connections;
        this.directory = directory;
    }

    @Override
    public VncEndpoint vncEndpoint(long hostId, UUID uuid) {
        String uri = connections.uri(hostId);
        DomainXmlReader.DomainConfig config = connections.call(hostId,
                session -> session.domain(uuid, domain -> DomainXmlReader.read(domain.getXMLDesc(0))));
        return VncEndpoints.resolve(uri, config.name(), config.graphics());
    }

    @Override
    public DisplaySocket openDisplay(long hostId, UUID uuid) {
        return new DisplaySocket(connections.call(hostId,
                session -> session.domain(uuid, LibvirtNative::openGraphics)));
    }

    @Override
    public void setVncPassword(long hostId, UUID uuid, String password, Instant validUntil) {
        connections.call(hostId, session -> session.domain(uuid, domain -> domain.updateDeviceFlags(
                GraphicsXml.vncWithPassword(domain.getXMLDesc(0), password, validUntil),
                Domain.DeviceModifyFlags.LIVE)));
    }

    @Override
    public SshOptions sshOptions(long hostId) {
        HostCredentials credentials = directory.credentials(hostId);
        boolean ssh = credentials instanceof HostCredentials.SshKeyFile
                || credentials instanceof HostCredentials.StoredSshKey;
        return new SshOptions(CredentialFiles.prepare("", ssh ? credentials : HostCredentials.NONE));
    }
}

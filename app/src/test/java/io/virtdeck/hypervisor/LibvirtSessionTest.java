package io.virtdeck.hypervisor;

import java.util.Map;
import java.util.UUID;

import io.virtdeck.support.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;

import static org.assertj.core.api.Assertions.assertThat;

/** Lookups and listings of one call, on a test-driver host of its own (small-host.xml). */
class LibvirtSessionTest {

    private Connect connect;
    private LibvirtSession session;

    @BeforeEach
    void connect() throws LibvirtException {
        connect = new Connect(TestHosts.smallHost());
        session = new LibvirtSession(connect);
    }

    @AfterEach
    void close() throws LibvirtException {
        connect.close();
    }

    @Test
    void listsPoolsAndNetworksRunningAndOnlyDefinedByName() throws LibvirtException {
        connect.storagePoolDefineXML(StorageXml.newPool(new PoolSpec.Dir("spare", "/srv/spare")), 0).free();

        assertThat(session.pools()).containsExactly(Map.entry("default", true), Map.entry("spare", false));
        assertThat(session.networks()).containsExactly(Map.entry("default", true));
    }

    @Test
    void findsAVolumeByPathOrPoolAndNameAndSaysWhenThereIsNone() throws LibvirtException {
        assertThat(session.volumeOf("default/beta-db.qcow2", StorageVol::getName)).isEqualTo("beta-db.qcow2");
        String path = session.volume("default", "alpha-web.qcow2", StorageVol::getPath);
        assertThat(session.volumeOf(path, StorageVol::getName)).isEqualTo("alpha-web.qcow2");
        String pool = session.volumeAt(path, volume -> LibvirtSession.poolOf(volume, StoragePool::getName));
        assertThat(pool).isEqualTo("default");

        assertThat(LibvirtSession.ifFound(() -> session.volume("default", "gone.qcow2", StorageVol::getName)))
                .isEmpty();
        assertThat(LibvirtSession.ifFound(() -> session.pool("gone", StoragePool::getName))).isEmpty();
    }

    @Test
    void readsEveryDomainOrOneByUuid() throws LibvirtException {
        assertThat(session.eachDomain(0, Domain::getName))
                .containsExactlyInAnyOrder("alpha-web", "beta-db", "gamma-build");
        assertThat(session.domain(UUID.fromString("11111111-1111-4111-8111-111111111111"), Domain::getName))
                .isEqualTo("alpha-web");
    }
}

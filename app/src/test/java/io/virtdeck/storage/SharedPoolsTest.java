package io.virtdeck.storage;

import java.util.ArrayList;
import java.util.List;

import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which hosts share a pool, from every host's pools as last read (table pool_usage): a pool of the same name over the
 * same directory or the same network source, active; not one of that name elsewhere, nor another name over the same
 * directory. (That a volume made through one host reaches the others' pools is proven on real hosts: SharedPoolsLabTest.)
 */
@VirtdeckIntegrationTest
class SharedPoolsTest {

    @Autowired
    SharedPools sharedPools;
    @Autowired
    JdbcClient jdbc;

    private final List<Long> hosts = new ArrayList<>();

    @AfterEach
    void removeHosts() {
        hosts.forEach(id -> jdbc.sql("DELETE FROM hosts WHERE id = :id").param("id", id).update());
    }

    @Test
    void hostsShareAPoolOfOneNameOverOnePathOrOneSource() {
        long a = host("share-a");
        long b = host("share-b");
        long c = host("share-c");
        long d = host("share-d");
        long e = host("share-e");
        pool(a, "images", "/srv/images", null, true);
        pool(b, "images", "/srv/images", null, true);
        pool(c, "images", "/var/lib/libvirt/images", null, true);   // same name, own directory
        pool(d, "images", "/srv/images", null, false);              // shares it, but stopped: nothing to refresh
        pool(e, "other", "/srv/images", null, true);                // same directory under another name

        pool(a, "nfs", "/mnt/a", "filer:/export/vms", true);
        pool(c, "nfs", "/mnt/c", "filer:/export/vms", true);        // mounted elsewhere, same export
        pool(e, "nfs", "/mnt/a", "filer:/export/other", true);      // same mount point: counted as shared

        assertThat(sharedPools.sharers(a, "images")).containsExactly(b);
        assertThat(sharedPools.sharers(b, "images")).containsExactly(a);
        assertThat(sharedPools.sharers(c, "images")).isEmpty();
        assertThat(sharedPools.sharers(a, "nfs")).containsExactly(c, e);
        assertThat(sharedPools.sharers(a, "missing")).isEmpty();
    }

    private long host(String name) {
        long id = jdbc.sql("INSERT INTO hosts (name, uri, state, cpus, memory_mib) VALUES (:name, :uri, 'UNREACHABLE',"
                        + " 4, 4096) RETURNING id")
                .param("name", name).param("uri", "test:///" + name).query(Long.class).single();
        hosts.add(id);
        return id;
    }

    private void pool(long host, String name, String path, String source, boolean active) {
        jdbc.sql("""
                        INSERT INTO pool_usage (host_id, name, type, active, capacity_mib, allocation_mib,
                                                available_mib, autostart, path, source)
                        VALUES (:host, :name, 'dir', :active, 100, 10, 90, true, :path, :source)""")
                .param("host", host).param("name", name).param("active", active).param("path", path)
                .param("source", source).update();
    }
}

package io.virtdeck.hypervisor;

import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * Changes made to a host behind Virtdeck's back, as an administrator with virsh would make them. libvirt's
 * {@code test:///default} host is one shared state per process, so a second connection here is "someone else".
 */
public final class OutsideVirtdeck implements AutoCloseable {

    public static final String SHARED_TEST_HOST = "test:///default";

    private final Connect connect;

    public OutsideVirtdeck() throws LibvirtException {
        LibvirtEventLoop.ensureStarted();
        this.connect = new Connect(SHARED_TEST_HOST, false);
    }

    public void suspend(String domain) throws LibvirtException {
        connect.domainLookupByName(domain).suspend();
    }

    public void resume(String domain) throws LibvirtException {
        connect.domainLookupByName(domain).resume();
    }

    /** Defines a new, shut-off domain with a name and UUID of the caller's choosing. */
    public void define(String name, String uuid) throws LibvirtException {
        connect.domainDefineXML("<domain type='test'><name>" + name + "</name><uuid>" + uuid + "</uuid>"
                + "<memory unit='MiB'>256</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>");
    }

    public void undefine(String name) throws LibvirtException {
        Domain domain = connect.domainLookupByName(name);
        domain.undefine();
    }

    @Override
    public void close() throws LibvirtException {
        connect.close();
    }
}

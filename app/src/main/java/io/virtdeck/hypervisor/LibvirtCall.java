package io.virtdeck.hypervisor;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/** One unit of work on a host's connection, run on that host's call threads under the call timeout. */
@FunctionalInterface
interface LibvirtCall<T> {
    T apply(Connect connect) throws LibvirtException;
}

package io.virtdeck.hypervisor;

import java.lang.reflect.Field;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.PointerType;
import org.libvirt.Domain;

/**
 * libvirt calls that libvirt-java 0.5.4 does not bind, called through JNA against libvirt.so.0. Every such binding
 * lives here and nowhere else.
 */
final class LibvirtNative {

    private interface Calls extends Library {
        int virDomainMigrateStartPostCopy(Pointer domain, int flags);

        String virGetLastErrorMessage();
    }

    private static final Calls CALLS = Native.load("virt", Calls.class);
    private static final Field DOMAIN_POINTER = domainPointerField();

    private LibvirtNative() {
    }

    /** Switches a running migration started with {@link Domain.MigrateFlags#POSTCOPY} to post-copy mode. */
    static void startPostCopy(Domain domain) {
        if (CALLS.virDomainMigrateStartPostCopy(pointer(domain), 0) < 0) {
            // libvirt keeps the last error per thread: this one is ours
            throw new HypervisorException(HypervisorException.Kind.INVALID_STATE, CALLS.virGetLastErrorMessage());
        }
    }

    private static Pointer pointer(Domain domain) {
        try {
            return ((PointerType) DOMAIN_POINTER.get(domain)).getPointer();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("libvirt-java's domain pointer cannot be read", e);
        }
    }

    private static Field domainPointerField() {
        try {
            Field field = Domain.class.getDeclaredField("vdp");
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("this libvirt-java has no Domain.vdp; update LibvirtNative", e);
        }
    }
}

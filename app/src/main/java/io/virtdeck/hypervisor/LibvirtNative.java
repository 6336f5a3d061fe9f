package io.virtdeck.hypervisor;

import java.lang.reflect.Field;
import java.util.Optional;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.PointerType;
import org.libvirt.Connect;
import org.libvirt.Domain;

/**
 * libvirt calls that libvirt-java 0.5.4 does not bind, called through JNA against libvirt.so.0. Every such binding
 * lives here and nowhere else.
 */
final class LibvirtNative {

    private interface Calls extends Library {
        int virDomainMigrateStartPostCopy(Pointer domain, int flags);

        /** {@code kib} is a C unsigned long: 64 bits on the hosts Virtdeck runs on (Linux x86_64). */
        int virDomainSetMemoryFlags(Pointer domain, long kib, int flags);

        String virGetLastErrorMessage();

        /** Returns XML the caller must free, or null. */
        Pointer virConnectGetDomainCapabilities(Pointer connect, String emulator, String arch, String machine,
                                                String virtType, int flags);
    }

    private static final Calls CALLS = Native.load("virt", Calls.class);
    private static final Field DOMAIN_POINTER = pointerField(Domain.class, "vdp");
    private static final Field CONNECT_POINTER = pointerField(Connect.class, "vcp");

    private LibvirtNative() {
    }

    /** Switches a running migration started with {@link Domain.MigrateFlags#POSTCOPY} to post-copy mode. */
    static void startPostCopy(Domain domain) {
        if (CALLS.virDomainMigrateStartPostCopy(pointer(domain), 0) < 0) {
            // libvirt keeps the last error per thread: this one is ours
            throw new HypervisorException(HypervisorException.Kind.INVALID_STATE, CALLS.virGetLastErrorMessage());
        }
    }

    /** Sets the domain's memory (or, with {@code VIR_DOMAIN_MEM_MAXIMUM}, its maximum), live and/or in its definition. */
    static void setMemory(Domain domain, long kib, int flags) {
        if (CALLS.virDomainSetMemoryFlags(pointer(domain), kib, flags) < 0) {
            throw new HypervisorException(HypervisorException.Kind.INVALID_STATE, CALLS.virGetLastErrorMessage());
        }
    }

    /**
     * The domain capabilities XML (virsh domcapabilities) for a domain type and architecture; empty when the driver
     * has none (libvirt's test driver) or refuses, so that callers fall back to what every host offers.
     */
    static Optional<String> domainCapabilities(Connect connect, String arch, String machine,
                                                         String virtType) {
        Pointer xml = CALLS.virConnectGetDomainCapabilities(pointer(CONNECT_POINTER, connect), null, arch, machine,
                virtType, 0);
        if (xml == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(xml.getString(0, "UTF-8"));
        } finally {
            Native.free(Pointer.nativeValue(xml));
        }
    }

    private static Pointer pointer(Domain domain) {
        return pointer(DOMAIN_POINTER, domain);
    }

    private static Pointer pointer(Field field, Object handle) {
        try {
            return ((PointerType) field.get(handle)).getPointer();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("libvirt-java's native pointer cannot be read", e);
        }
    }

    private static Field pointerField(Class<?> type, String name) {
        try {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("this libvirt-java has no " + type.getSimpleName() + "." + name
                    + "; update LibvirtNative", e);
        }
    }
}

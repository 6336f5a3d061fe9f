package io.virtdeck.hypervisor;

/**
 * A guest's serial console, open (libvirt's console stream of the domain, virDomainOpenConsole): bytes from the
 * guest are read without waiting, bytes to it are written. libvirt lets one client hold a domain's console at a time.
 * Safe to read on one thread and write on another; {@link #close} may come from either.
 */
public interface SerialConsole extends AutoCloseable {

    /** Bytes from the guest into {@code buffer}: how many, 0 when none wait now, -1 once the console has ended. */
    int read(byte[] buffer);

    /** Sends the bytes to the guest's console; FAILED when the console has ended. */
    void write(byte[] bytes, int offset, int length);

    /** Lets go of the console (another client may then open it); idempotent. */
    @Override
    void close();
}

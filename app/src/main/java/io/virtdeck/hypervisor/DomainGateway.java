package io.virtdeck.hypervisor;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import io.virtdeck.core.HypervisorException;

/**
 * Domains (guests) of a host: their facts and XML, lifecycle actions, definition and its settings.
 */
public interface DomainGateway {

    List<DomainFacts> listDomains(long hostId);

    /** Every domain's state, persistence, autostart and saved memory: four calls per host, however many guests. */
    List<DomainSummary> summaries(long hostId);

    DomainFacts domain(long hostId, UUID uuid);

    /** The domain's live XML, for read-only display. */
    String domainXml(long hostId, UUID uuid);

    void perform(long hostId, UUID uuid, DomainAction action);

    /**
     * Removes a shut-off domain's definition; with {@code deleteStorage}, also deletes the storage volumes behind its
     * disks (CD-ROMs excepted). Returns the paths of the volumes deleted.
     */
    List<String> undefine(long hostId, UUID uuid, boolean deleteStorage);

    /**
     * The persistent definition as libvirt holds it (secrets such as VNC passwords left out): kept by Virtdeck for
     * defining the domain again on another host when its own is lost.
     */
    String definitionXml(long hostId, UUID uuid);

    /** Defines a persistent domain from a definition another host's libvirt wrote ({@link #definitionXml}). */
    void defineFromDefinition(long hostId, String definitionXml);

    /** Defines a persistent domain from the spec (it stays shut off). */
    void define(long hostId, DomainSpec spec);

    /**
     * Defines a persistent LXC container from the spec (it stays shut off), its XML checked against libvirt's schema
     * first (INVALID_STATE when the host's driver refuses it, as a QEMU host does).
     */
    void defineContainer(long hostId, ContainerSpec spec);

    /**
     * Defines a clone of a domain (on {@code sourceHostId}) from its persistent definition, on {@code targetHostId}
     * (the same host or another): the new name and UUID, new MAC addresses, and the disks whose source is a key of
     * {@code copies} on those volumes (of the target). The clone stays shut off.
     */
    void defineClone(long sourceHostId, UUID source, long targetHostId, String name, UUID uuid,
                     Map<String, PooledVolume> copies);

    void setAutostart(long hostId, UUID uuid, boolean autostart);

    /**
     * Changes a domain's vCPU count and/or memory (null: unchanged): in its definition, and live when it runs. A
     * running domain cannot grow beyond the maximum it was started with ({@link HypervisorException.Kind#INVALID_STATE});
     * a shut-off one gets a new maximum as well.
     */
    void resize(long hostId, UUID uuid, Integer vcpus, Long memoryMiB);

    /** The resource limits in the domain's definition (what it gets at its next start). */
    ResourceLimits limits(long hostId, UUID uuid);

    /**
     * Replaces the resource limits in the domain's definition. A running QEMU domain also gets its CPU shares, quota
     * and period at once; the other limits apply from its next start.
     */
    void setLimits(long hostId, UUID uuid, ResourceLimits limits);

    /** The CPU in the domain's definition (what it gets at its next start). */
    DomainCpu cpu(long hostId, UUID uuid);

    /**
     * Replaces the CPU in the domain's definition (null: the hypervisor's default), keeping its topology. A running
     * domain keeps its CPU until it is started again: no hypervisor changes a running CPU.
     */
    void setCpu(long hostId, UUID uuid, GuestCpu cpu);
}

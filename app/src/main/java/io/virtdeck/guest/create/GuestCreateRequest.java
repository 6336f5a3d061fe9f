package io.virtdeck.guest.create;

import java.util.List;
import io.virtdeck.guest.cloudinit.CloudInitRequest;
import io.virtdeck.guest.clone.GuestCloneService;
import io.virtdeck.guest.cpu.CpuRequest;

/**
 * POST /api/v1/hosts/{id}/guests (OpenAPI: {@code name, vcpus, memoryMiB, disks, cdrom, networks, template}; the rest
 * are additions). Absent options take the defaults: BIOS, VNC graphics, no autostart, boot from the CD-ROM when
 * there is one, then the disks.
 *
 * @param disks a new volume ({@code pool}, {@code sizeMiB}, {@code format} qcow2 (default) or raw) or an existing
 *              one ({@code volume}: "pool/volume")
 * @param cdrom an ISO volume as "pool/volume"
 * @param template create the guest from this template (its id, or its name on this host) instead of from the
 *                 settings: see {@link GuestCloneService#createFromTemplate}; answered with 202 and a task
 * @param linked with a template: linked clones of its disks (qcow2 backed by the template's volumes), or full copies
 *               (false); by default linked where every disk of the template is qcow2
 * @param firmware bios (default) or uefi, where the host offers it
 * @param bootOrder hd, cdrom, network: first first
 * @param graphics vnc (default) or none
 * @param kvm false to emulate the CPU in software (QEMU's TCG) on a KVM host, as Proxmox's "KVM hardware
 *            virtualization" switch does: slow, but it runs where KVM is unusable (nested hosts without VMX)
 * @param cloudInit settings for cloud-init in the guest: written as a NoCloud seed on a CD-ROM before its first start
 *                  (with a template too)
 * @param cpu the guest's CPU: host-passthrough, host-model, or a custom model with features; by default host-model
 *            for KVM and QEMU's own for emulation (not with a template, whose guest keeps the template's)
 */
public record GuestCreateRequest(String name, Integer vcpus, Long memoryMiB, List<Disk> disks, String cdrom,
                                 List<String> networks, String template, String firmware, List<String> bootOrder,
                                 Boolean autostart, String graphics,
                                 Boolean linked, Boolean kvm, CloudInitRequest cloudInit,
                                 CpuRequest cpu) {

    public GuestCreateRequest {
        disks = disks == null ? List.of() : disks;
        networks = networks == null ? List.of() : networks;
        bootOrder = bootOrder == null ? List.of() : bootOrder;
    }

    public record Disk(String pool, Long sizeMiB, String format, String volume) {

        public static Disk newVolume(String pool, long sizeMiB, String format) {
            return new Disk(pool, sizeMiB, format, null);
        }

        public static Disk existing(String volume) {
            return new Disk(null, null, null, volume);
        }
    }
}

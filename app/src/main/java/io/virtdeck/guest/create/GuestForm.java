package io.virtdeck.guest.create;

import java.util.ArrayList;
import java.util.List;

import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.cloudinit.CloudInitForm;
import io.virtdeck.guest.cpu.CpuForm;

/**
 * The create page's form as posted. Numbers stay text so that the page can show them back exactly as typed; disk
 * sizes are in GiB on the page and MiB in the request. Carried through the review step in hidden fields.
 */
public class GuestForm {

    /** Disk rows the page shows; a guest may have more through the API. */
    static final int DISK_ROWS = 3;

    private String name = "";
    private String vcpus = "1";
    private String memoryMiB = "1024";
    private List<DiskRow> disks = new ArrayList<>(List.of(new DiskRow(), new DiskRow(), new DiskRow()));
    private String cdrom = "";
    private String boot = "";
    private List<String> networks = new ArrayList<>();
    private String firmware = "bios";
    private boolean kvm = true;
    private boolean vnc = true;
    private boolean autostart;
    private CloudInitForm cloudInit = new CloudInitForm();
    private CpuForm cpu = new CpuForm();

    /** One disk row: {@code source} is empty (no disk), "new:pool" or "volume:pool/volume". */
    public static class DiskRow {
        private String source = "";
        private String sizeGiB = "20";
        private String format = "qcow2";

        public String getSource() {
            return source;
        }

        public void setSource(String source) {
            this.source = source == null ? "" : source;
        }

        public String getSizeGiB() {
            return sizeGiB;
        }

        public void setSizeGiB(String sizeGiB) {
            this.sizeGiB = sizeGiB;
        }

        public String getFormat() {
            return format;
        }

        public void setFormat(String format) {
            this.format = format;
        }
    }

    /** The form for a host whose first pool and first network are picked for a first disk and NIC. */
    static GuestForm defaults(GuestCreateOptions options) {
        GuestForm form = new GuestForm();
        if (!options.pools().isEmpty()) {
            form.disks.get(0).setSource("new:" + options.pools().get(0).name());
        }
        if (!options.networks().isEmpty()) {
            form.networks.add(options.networks().get(0));
        }
        return form;
    }

    /** The API's request; numbers that are not numbers are refused naming the request's field. */
    GuestCreateRequest toRequest() {
        List<GuestCreateRequest.Disk> requested = new ArrayList<>();
        for (int i = 0; i < disks.size(); i++) {
            DiskRow row = disks.get(i);
            if (row.source.startsWith("new:")) {
                long gib = whole("disks[" + requested.size() + "].sizeMiB", "Disk " + (i + 1) + " size (GiB)",
                        row.sizeGiB);
                requested.add(GuestCreateRequest.Disk.newVolume(row.source.substring(4), gib * 1024, row.format));
            } else if (row.source.startsWith("volume:")) {
                requested.add(GuestCreateRequest.Disk.existing(row.source.substring(7)));
            }
        }
        boolean hasCdrom = !cdrom.isBlank();
        List<String> bootOrder = new ArrayList<>();
        if (!boot.isBlank()) {
            bootOrder.add(boot); // then the rest, disks before the CD-ROM
            for (String next : List.of("hd", "cdrom")) {
                boolean present = next.equals("hd") ? !requested.isEmpty() : hasCdrom;
                if (present && !bootOrder.contains(next)) {
                    bootOrder.add(next);
                }
            }
        }
        Long vcpuCount = whole("vcpus", "vCPUs", vcpus);
        return new GuestCreateRequest(name.trim(), vcpuCount == null ? null : Math.toIntExact(vcpuCount),
                whole("memoryMiB", "Memory (MiB)", memoryMiB), requested, hasCdrom ? cdrom : null, networks, null,
                firmware, bootOrder, autostart, vnc ? "vnc" : "none", null,
                kvm ? null : false, // the box only turns KVM off: checked, the host's own choice stands
                cloudInit.toRequest(false), cpu.toRequest());
    }

    /** The page row of the request's {@code disks[index]}: empty rows are not in the request. */
    int rowOfDisk(int index) {
        int seen = -1;
        for (int row = 0; row < disks.size(); row++) {
            if (!disks.get(row).source.isBlank() && ++seen == index) {
                return row;
            }
        }
        return 0;
    }

    private static Long whole(String field, String label, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (Math.abs(parsed) > Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw VirtdeckException.invalid(field, label + " must be a whole number.");
        }
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name == null ? "" : name;
    }

    public String getVcpus() {
        return vcpus;
    }

    public void setVcpus(String vcpus) {
        this.vcpus = vcpus;
    }

    public String getMemoryMiB() {
        return memoryMiB;
    }

    public void setMemoryMiB(String memoryMiB) {
        this.memoryMiB = memoryMiB;
    }

    public List<DiskRow> getDisks() {
        return disks;
    }

    public void setDisks(List<DiskRow> disks) {
        this.disks = new ArrayList<>(disks);
        while (this.disks.size() < DISK_ROWS) {
            this.disks.add(new DiskRow());
        }
    }

    public String getCdrom() {
        return cdrom;
    }

    public void setCdrom(String cdrom) {
        this.cdrom = cdrom == null ? "" : cdrom;
    }

    public String getBoot() {
        return boot;
    }

    public void setBoot(String boot) {
        this.boot = boot == null ? "" : boot;
    }

    public List<String> getNetworks() {
        return networks;
    }

    public void setNetworks(List<String> networks) {
        this.networks = networks == null ? new ArrayList<>() : new ArrayList<>(networks);
    }

    public String getFirmware() {
        return firmware;
    }

    public void setFirmware(String firmware) {
        this.firmware = firmware;
    }

    public boolean isKvm() {
        return kvm;
    }

    public void setKvm(boolean kvm) {
        this.kvm = kvm;
    }

    public boolean isVnc() {
        return vnc;
    }

    public void setVnc(boolean vnc) {
        this.vnc = vnc;
    }

    public boolean isAutostart() {
        return autostart;
    }

    public void setAutostart(boolean autostart) {
        this.autostart = autostart;
    }

    public CloudInitForm getCloudInit() {
        return cloudInit;
    }

    public void setCloudInit(CloudInitForm cloudInit) {
        this.cloudInit = cloudInit;
    }

    public CpuForm getCpu() {
        return cpu;
    }

    public void setCpu(CpuForm cpu) {
        this.cpu = cpu;
    }
}

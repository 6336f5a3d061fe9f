package io.virtdeck.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code qemu-img info} says of a staged image, and whether Virtdeck imports it.
 *
 * @param format raw, qcow2, vmdk, vpc (VHD), vhdx, or whatever else qemu-img found
 * @param virtualSizeBytes the disk the guest sees
 * @param actualSizeBytes what the image takes on disk now
 * @param backingChain the images it reads through, nearest first (empty for a standalone image)
 * @param refusal why it is not imported; null when it is
 */
public record ImageFacts(String format, long virtualSizeBytes, long actualSizeBytes, List<String> backingChain,
                         String refusal) {

    /** The formats Virtdeck converts to qcow2; "vpc" is qemu's name for VHD. */
    static final Set<String> IMPORTED = Set.of("raw", "qcow2", "vmdk", "vpc", "vhdx");

    public long virtualSizeMiB() {
        return virtualSizeBytes / (1024 * 1024);
    }

    public boolean importable() {
        return refusal == null;
    }

    /**
     * Reads {@code qemu-img info --output=json} of {@code image}. An image is refused when its format is not one of
     * {@link #IMPORTED}, when it has a backing file, or when its data lives in other files (VMDK extents, a qcow2
     * data file): converting it would read those files, which may be anything on the server.
     */
    static ImageFacts read(JsonMapper json, String qemuImgInfo, Path image) {
        JsonNode info = json.readTree(qemuImgInfo);
        String format = info.path("format").asString();
        List<String> chain = new ArrayList<>();
        if (info.hasNonNull("backing-filename")) {
            chain.add(info.get("backing-filename").asString());
        }
        String refusal = null;
        if (!IMPORTED.contains(format)) {
            refusal = "Its format is " + format + ": Virtdeck imports raw, qcow2, VMDK, VHD and VHDX images.";
        } else if (!chain.isEmpty()) {
            refusal = "It has a backing file (" + chain.get(0) + "): it is not whole on its own. Make a standalone"
                    + " copy (qemu-img convert) and import that.";
        } else {
            refusal = outsideFiles(info.path("format-specific"), image);
        }
        return new ImageFacts(format, info.path("virtual-size").asLong(), info.path("actual-size").asLong(),
                List.copyOf(chain), refusal);
    }

    private static String outsideFiles(JsonNode specific, Path image) {
        JsonNode data = specific.path("data");
        if (data.hasNonNull("data-file")) {
            return "Its data is in another file (" + data.get("data-file").asString() + "): import a standalone"
                    + " image.";
        }
        for (JsonNode extent : data.path("extents")) {
            Path file = image.resolveSibling(extent.path("filename").asString()).normalize();
            if (!file.equals(image.normalize())) {
                return "It is a VMDK descriptor whose data is in other files (" + extent.path("filename").asString()
                        + "): import a single-file VMDK (monolithicSparse or streamOptimized).";
            }
        }
        return null;
    }
}

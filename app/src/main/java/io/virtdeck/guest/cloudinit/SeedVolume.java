package io.virtdeck.guest.cloudinit;

/** Where a guest's seed image lies: a volume of a pool of the guest's host. */
public record SeedVolume(String pool, String volume) {

    @Override
    public String toString() {
        return pool + "/" + volume;
    }
}

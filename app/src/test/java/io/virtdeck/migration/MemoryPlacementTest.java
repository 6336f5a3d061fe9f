package io.virtdeck.migration;

import java.util.LinkedHashMap;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Placement's rule in memory: the roomiest allowed host with room, each placement taking its memory there. */
class MemoryPlacementTest {

    private static LinkedHashMap<Long, Long> free(long... idAndMiB) {
        LinkedHashMap<Long, Long> free = new LinkedHashMap<>();
        for (int i = 0; i < idAndMiB.length; i += 2) {
            free.put(idAndMiB[i], idAndMiB[i + 1]);
        }
        return free;
    }

    @Test
    void guestsGoToTheRoomiestHostAndSpreadAsTheyLand() {
        MemoryPlacement placement = new MemoryPlacement(free(1, 8192, 2, 6144, 3, 8192));

        assertThat(placement.place(4096, host -> true)).isEqualTo(OptionalLong.of(1)); // a tie: the first listed
        assertThat(placement.place(4096, host -> true)).isEqualTo(OptionalLong.of(3));
        assertThat(placement.place(4096, host -> true)).isEqualTo(OptionalLong.of(2));
        assertThat(placement.freeMiB(1)).isEqualTo(4096);
        assertThat(placement.freeMiB(2)).isEqualTo(2048);
        assertThat(placement.place(5000, host -> true)).isEmpty();
    }

    @Test
    void aHostNotAllowedIsPassedByForTheNextRoomiest() {
        MemoryPlacement placement = new MemoryPlacement(free(1, 8192, 2, 4096));

        assertThat(placement.place(4096, host -> host != 1)).isEqualTo(OptionalLong.of(2));
        assertThat(placement.place(1024, host -> host != 1)).isEmpty();
        assertThat(placement.roomiest()).isEqualTo(OptionalLong.of(1));
    }
}

package io.virtdeck.network;

import java.util.HashSet;
import java.util.Set;
import java.util.random.RandomGenerator;

import io.virtdeck.core.VirtdeckException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MacAddressesTest {

    @Test
    void madeAddressesCarryQemusPrefixAndAvoidThoseInUse() {
        // a generator that answers 0 three times, then 1: the first address it would make is taken
        RandomGenerator zerosThenOnes = new RandomGenerator() {
            private int calls;

            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public int nextInt(int bound) {
                return calls++ < 3 ? 0 : 1;
            }
        };
        Set<String> used = new HashSet<>(Set.of("52:54:00:00:00:00"));
        assertThat(MacAddresses.generate(used, zerosThenOnes)).isEqualTo("52:54:00:01:01:01");
    }

    @Test
    void onlyUnicastAddressesOfSixOctetsPass() {
        assertThat(MacAddresses.check("mac", " 52:54:00:AB:cd:EF ")).isEqualTo("52:54:00:ab:cd:ef");
        for (String bad : new String[] {null, "", "52:54:00:ab:cd", "52-54-00-ab-cd-ef", "52:54:00:ab:cd:eg",
            "01:00:5e:00:00:01", "ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00"}) {
            assertThatThrownBy(() -> MacAddresses.check("nics[0].mac", bad)).as(String.valueOf(bad))
                    .isInstanceOfSatisfying(VirtdeckException.class,
                            e -> assertThat(e.field()).isEqualTo("nics[0].mac"));
        }
    }
}

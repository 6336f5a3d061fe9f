package io.virtdeck.web;

import java.util.Locale;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FormatsTest {

    private final Formats formats = new Formats();

    @Test
    void memoryInMibBelowOneGibThenInGibWithOneDecimalWhereNotWhole() {
        assertThat(formats.memory(null)).isEqualTo("—");
        assertThat(formats.memory(512L)).isEqualTo("512 MiB");
        assertThat(formats.memory(1023L)).isEqualTo("1023 MiB");
        assertThat(formats.memory(1024L)).isEqualTo("1 GiB");
        assertThat(formats.memory(1025L)).isEqualTo("1.0 GiB");
        assertThat(formats.memory(1536L)).isEqualTo("1.5 GiB");
        assertThat(formats.memory(1587L)).isEqualTo("1.5 GiB");
        assertThat(formats.memory(1588L)).isEqualTo("1.6 GiB");
        assertThat(formats.memory(2047L)).isEqualTo("2.0 GiB");
        assertThat(formats.memory(65536L)).isEqualTo("64 GiB");
        assertThat(formats.memory(4_194_304L * 1024)).isEqualTo("4194304 GiB");
    }

    @Test
    void memoryReadsTheSameWhateverTheServersLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertThat(formats.memory(1536L)).isEqualTo("1.5 GiB");
        } finally {
            Locale.setDefault(before);
        }
    }
}

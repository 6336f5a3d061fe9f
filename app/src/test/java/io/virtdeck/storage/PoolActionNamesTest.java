package io.virtdeck.storage;

import java.util.Locale;

import io.virtdeck.hypervisor.PoolAction;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A path's pool action means the same on a server whose default locale is Turkish. */
class PoolActionNamesTest {

    @Test
    void buildIsBuildUnderATurkishDefaultLocale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr"));
        try {
            // what the default locale makes of it: a dotted capital I that no enum constant has
            assertThat("build".toUpperCase()).isEqualTo("BU\u0130LD");
            assertThat(StorageService.poolActionNamed("build")).isEqualTo(PoolAction.BUILD);
        } finally {
            Locale.setDefault(before);
        }
    }
}

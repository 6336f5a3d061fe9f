package io.virtdeck.web;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.virtdeck.core.VirtdeckException;

/**
 * A true/false field reads as missing unless it is a JSON true or false, so that the body still reads and the service
 * answers the 400 naming the field after its permission check.
 */
class FlagTest {

    private static AutostartRequest read(String json) {
        return JsonMapper.shared().readValue(json, AutostartRequest.class);
    }

    @Test
    void onlyTrueAndFalseAreValues() {
        assertThat(read("{\"autostart\":true}").autostart()).isTrue();
        assertThat(read("{\"autostart\":false}").autostart()).isFalse();
        assertThat(read("{}").autostart()).isNull();
        assertThat(read("{\"autostart\":null}").autostart()).isNull();
        assertThat(read("{\"autostart\":\"true\"}").autostart()).isNull();
        assertThat(read("{\"autostart\":1}").autostart()).isNull();
        assertThat(read("{\"autostart\":{\"on\":true},\"other\":[1]}").autostart()).isNull();
    }

    @Test
    void aMissingValueIsA400NamingTheField() {
        assertThatThrownBy(() -> Flag.required(read("{\"autostart\":\"yes\"}").autostart(), "autostart", "true or false"))
                .isInstanceOfSatisfying(VirtdeckException.class, e -> assertThat(e.field()).isEqualTo("autostart"))
                .hasMessage("autostart is required: true or false.");
    }
}

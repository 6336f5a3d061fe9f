package io.virtdeck.guest;

import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DomainAction;
import io.virtdeck.hypervisor.DomainRunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuestActionsTest {

    @Test
    void eachActionFitsTheStatesItCanStartFrom() {
        assertThat(GuestActions.fits(DomainAction.START, DomainRunState.SHUTOFF, false)).isTrue();
        assertThat(GuestActions.fits(DomainAction.START, DomainRunState.CRASHED, false)).isTrue();
        assertThat(GuestActions.fits(DomainAction.START, DomainRunState.RUNNING, false)).isFalse();
        assertThat(GuestActions.fits(DomainAction.SAVE, DomainRunState.PAUSED, false)).isTrue();
        assertThat(GuestActions.fits(DomainAction.POWEROFF, DomainRunState.CRASHED, false)).isTrue();
        assertThat(GuestActions.fits(DomainAction.RESUME, DomainRunState.RUNNING, false)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(DomainAction.class)
    void noActionStartsFromAMigratingOrUnknownGuest(DomainAction action) {
        assertThat(GuestActions.allowedFrom(action)).doesNotContain(DomainRunState.MIGRATING, DomainRunState.UNKNOWN);
    }

    @Test
    void discardingSavedMemoryNeedsASavedShutOffGuest() {
        assertThat(GuestActions.fits(DomainAction.DISCARD_SAVE, DomainRunState.SHUTOFF, true)).isTrue();
        assertThat(GuestActions.fits(DomainAction.DISCARD_SAVE, DomainRunState.SHUTOFF, false)).isFalse();
        assertThatThrownBy(() -> GuestActions.check(DomainAction.DISCARD_SAVE, DomainRunState.SHUTOFF, false, "web1"))
                .isInstanceOfSatisfying(VirtdeckException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.CONFLICT);
                    assertThat(e.getMessage()).isEqualTo("'web1' has no saved memory to discard.");
                });
    }

    @Test
    void aRefusalNamesTheActionAndTheGuestsStateInWords() {
        assertThatCode(() -> GuestActions.check(DomainAction.SHUTDOWN, DomainRunState.RUNNING, false, "web1"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> GuestActions.check(DomainAction.SHUTDOWN, DomainRunState.SHUTOFF, true, "web1"))
                .isInstanceOf(VirtdeckException.class)
                .hasMessage("Cannot shut down 'web1': it is saved (hibernated).");
        assertThatThrownBy(() -> GuestActions.check(DomainAction.SUSPEND, DomainRunState.UNKNOWN, false, "web1"))
                .hasMessage("Cannot pause 'web1': it is in an unknown state (its host is unreachable).");
        assertThat(GuestActions.describe(DomainRunState.PAUSED)).isEqualTo("paused");
    }

    @ParameterizedTest
    @EnumSource(DomainAction.class)
    void everyActionParsesBackFromItsUrlNameWhateverItsCase(DomainAction action) {
        assertThat(GuestActions.parse(GuestActions.urlName(action).toUpperCase(java.util.Locale.ROOT))).isEqualTo(action);
    }

    @Test
    void urlNamesAreLowerCaseWithDashesAndAnUnknownOneIsA400() {
        assertThat(GuestActions.urlName(DomainAction.DISCARD_SAVE)).isEqualTo("discard-save");
        assertThatThrownBy(() -> GuestActions.parse("hibernate"))
                .isInstanceOfSatisfying(VirtdeckException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST);
                    assertThat(e.field()).isEqualTo("action");
                });
    }
}

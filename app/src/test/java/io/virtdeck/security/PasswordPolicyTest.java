package io.virtdeck.security;

import io.virtdeck.core.VirtdeckException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordPolicyTest {

    @Test
    void aLongUncommonPasswordWithoutTheUserNamePasses() {
        assertThatCode(() -> PasswordPolicy.check("password", "alice", "plum-kettle-47-orbit"))
                .doesNotThrowAnyException();
    }

    @Test
    void elevenCharactersAreTooFewAndTwelveEnough() {
        refused("a8#kQ2!vLp0", "must be at least 12 characters long.");
        refused(null, "must be at least 12 characters long.");
        assertThatCode(() -> PasswordPolicy.check("password", "alice", "a8#kQ2!vLp0z")).doesNotThrowAnyException();
    }

    @Test
    void theUserNameIsRefusedAsAPartOnlyWhenItHasFourCharactersOrMore() {
        refusedFor("alice", "my-ALICE-garden-2024", "must not contain the user name.");
        // a short name would forbid too much as a part: "bob" may appear inside, but not be the whole password
        assertThatCode(() -> PasswordPolicy.check("password", "bob", "bobsled-meadow-77")).doesNotThrowAnyException();
        refusedFor("administrator", "Administrator", "must not contain the user name.");
    }

    @Test
    void oneRepeatedCharacterAndTheListedPasswordsAreTooCommonWhateverTheirCase() {
        refused("zzzzzzzzzzzzzzzz", "is too common to be safe: choose another.");
        refused("Password1234", "is too common to be safe: choose another.");
        refused("CorrectHorseBatteryStaple", "is too common to be safe: choose another.");
    }

    private static void refused(String password, String reason) {
        refusedFor("alice", password, reason);
    }

    private static void refusedFor(String user, String password, String reason) {
        assertThatThrownBy(() -> PasswordPolicy.check("newPassword", user, password))
                .isInstanceOfSatisfying(VirtdeckException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST);
                    assertThat(e.field()).isEqualTo("newPassword");
                    assertThat(e.getMessage()).isEqualTo("newPassword " + reason);
                });
    }
}

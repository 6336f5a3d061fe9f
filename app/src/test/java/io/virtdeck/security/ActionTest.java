package io.virtdeck.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import io.virtdeck.core.Role;

/** The rule that makes WebVirtCloud's issue 682 impossible: read-only roles never pass an action that changes. */
class ActionTest {

    @Test
    void viewersAndHelpDeskPassNoActionThatChangesAnything() {
        for (Action action : Action.values()) {
            for (Role readOnly : new Role[] {Role.VIEWER, Role.HELPDESK}) {
                if (action.changes()) {
                    assertThat(action.permittedBy(readOnly)).as(readOnly + " " + action).isFalse();
                }
            }
        }
        assertThat(Action.values()).filteredOn(a -> a.permittedBy(Role.VIEWER))
                .containsExactlyInAnyOrder(Action.READ_GUEST, Action.READ_HOST, Action.READ_HISTORY);
        assertThat(Action.values()).filteredOn(a -> a.permittedBy(Role.HELPDESK))
                .containsExactlyInAnyOrder(Action.READ_GUEST, Action.CONSOLE);
    }

    @Test
    void operatorsDoEverythingButAdministerAndAdminsEverything() {
        assertThat(Action.values()).filteredOn(a -> a.permittedBy(Role.OPERATOR))
                .containsExactlyInAnyOrder(Action.READ_GUEST, Action.READ_HOST, Action.READ_HISTORY, Action.CONSOLE,
                        Action.OPERATE);
        assertThat(Action.values()).allMatch(a -> a.permittedBy(Role.ADMIN));
    }

    @Test
    void pathsReadBackAsTheObjectsTheyName() {
        assertThat(ObjectRef.parse("/")).isEqualTo(ObjectRef.root());
        assertThat(ObjectRef.parse("/hosts/12")).isEqualTo(ObjectRef.host(12));
        assertThat(ObjectRef.parse("/guests/7")).isEqualTo(ObjectRef.guest(7));
        for (String wrong : new String[] {"", "/hosts", "/hosts/", "/hosts/0", "/hosts/x", "/guests/1/x", "hosts/1",
                "/pools/1", "/hosts/-1", null}) {
            assertThat(ObjectRef.parse(wrong)).as(wrong).isNull();
        }
    }
}

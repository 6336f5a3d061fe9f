package io.virtdeck.alerts.targets;

import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The Alert targets page: administrators make a target with the form (a wrong field marked beside it), test it with
 * htmx and read the receiver's answer, delete it after a confirmation; operators and viewers read the list only; help
 * desk is refused and sees no link to it.
 */
@VirtdeckIntegrationTest
class AlertTargetsPageTest {

    @Autowired
    MockMvc mvc;

    private static MockHttpServletRequestBuilder as(MockHttpServletRequestBuilder request, String role) {
        return request.with(user(role.toLowerCase() + "-page").roles(role)).with(csrf());
    }

    private String page(String path, String role) throws Exception {
        return mvc.perform(as(get(path), role)).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }

    @Test
    void anAdministratorMakesTestsAndDeletesAWebhookTarget() throws Exception {
        String form = page("/alerts/targets/new?kind=WEBHOOK", "ADMIN");
        assertThat(form).contains("New webhook target").contains("<label for=\"url\">URL</label>")
                .contains("<label for=\"key\">Signing key</label>").doesNotContain("id=\"host\"");
        assertThat(page("/alerts/targets/new?kind=MAIL", "ADMIN")).contains("<label for=\"host\">Host</label>")
                .contains("<label for=\"to\">To</label>").contains("STARTTLS (port 587)");

        String name = "page-hook-" + System.nanoTime();
        String refused = mvc.perform(as(post("/alerts/targets"), "ADMIN").param("name", name)
                        .param("kind", "WEBHOOK").param("url", "ftp://example.com/x").param("key", "0123456789abcdef"))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(refused).contains("The target was not made: correct the field marked below.")
                .contains("id=\"url-error\"").contains("url must be an http:// or https:// address")
                .contains("aria-invalid=\"true\"");

        try (TestWebhookReceiver receiver = TestWebhookReceiver.answering(200)) {
            String location = mvc.perform(as(post("/alerts/targets"), "ADMIN").param("name", name)
                            .param("kind", "WEBHOOK").param("url", receiver.url()).param("key", "0123456789abcdef"))
                    .andExpect(status().is3xxRedirection()).andReturn().getResponse().getRedirectedUrl();
            assertThat(location).matches("/alerts/targets/\\d+/edit");
            String id = location.replaceAll("\\D", "");
            String edit = page(location, "ADMIN");
            assertThat(edit).contains("A key is stored (never").contains("Send a test")
                    .contains("hx-post=\"/alerts/targets/" + id + "/test\"").doesNotContain("0123456789abcdef");

            String answer = mvc.perform(as(post("/alerts/targets/" + id + "/test"), "ADMIN")
                            .header("HX-Request", "true"))
                    .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
            assertThat(answer).contains("id=\"test-answer\"").contains("Sent: the receiver answered 200")
                    .doesNotContain("<html");
            assertThat(receiver.requests()).hasSize(1);
            receiver.answer(500);
            assertThat(mvc.perform(as(post("/alerts/targets/" + id + "/test"), "ADMIN").header("HX-Request", "true"))
                    .andReturn().getResponse().getContentAsString())
                    .contains("Failed: the receiver answered 500: database is down");

            assertThat(page("/alerts/targets", "ADMIN")).contains(name).contains("Edit or test target " + name)
                    .contains("New mail target").contains("Signing key set");
            assertThat(page("/alerts/targets/" + id + "/delete", "ADMIN")).contains("Delete target " + name + "?")
                    .contains("Alert rules can no longer send to it.");
            mvc.perform(as(post("/alerts/targets/" + id + "/delete"), "ADMIN"))
                    .andExpect(status().is3xxRedirection());
            assertThat(page("/alerts/targets", "ADMIN")).doesNotContain(name);
        }
    }

    @Test
    void theMailFormTakesOneAddressALineAndKeepsThePasswordWhenLeftBlank() throws Exception {
        String name = "page-mail-" + System.nanoTime();
        String location = mvc.perform(as(post("/alerts/targets"), "ADMIN").param("name", name).param("kind", "MAIL")
                        .param("host", "smtp.example.com").param("security", "TLS").param("username", "virtdeck")
                        .param("password", "page-Pass-3").param("from", "Virtdeck <virtdeck@example.com>")
                        .param("to", "ops@example.com\r\nOn Call <oncall@example.com>, boss@example.com"))
                .andExpect(status().is3xxRedirection()).andReturn().getResponse().getRedirectedUrl();
        String edit = page(location, "ADMIN");
        assertThat(edit).contains("ops@example.com\nOn Call &lt;oncall@example.com&gt;\nboss@example.com")
                .contains("value=\"465\"").contains("A password is stored (never shown)")
                .doesNotContain("page-Pass-3");
        String id = location.replaceAll("\\D", "");
        mvc.perform(as(post("/alerts/targets/" + id), "ADMIN").param("name", name).param("kind", "MAIL")
                        .param("host", "smtp.example.com").param("security", "TLS").param("username", "virtdeck")
                        .param("password", "").param("from", "virtdeck@example.com").param("to", "ops@example.com"))
                .andExpect(status().is3xxRedirection());
        assertThat(page("/alerts/targets", "VIEWER")).contains(name).contains("Password set")
                .contains("via smtp.example.com:465 (TLS)");
    }

    @Test
    void operatorsAndViewersReadHelpDeskIsRefused() throws Exception {
        for (String role : new String[] {"OPERATOR", "VIEWER"}) {
            String list = page("/alerts/targets", role);
            assertThat(list).as(role).contains("<h1>Alert targets</h1>").contains("href=\"/alerts/targets\"")
                    .doesNotContain("New mail target").doesNotContain("Edit or test");
            mvc.perform(as(get("/alerts/targets/new"), role)).andExpect(status().isForbidden());
            mvc.perform(as(post("/alerts/targets"), role).param("name", "x").param("kind", "WEBHOOK"))
                    .andExpect(status().isForbidden());
        }
        mvc.perform(as(get("/alerts/targets"), "HELPDESK")).andExpect(status().isForbidden());
        assertThat(page("/guests", "HELPDESK")).doesNotContain("href=\"/alerts/targets\"");
        assertThat(page("/guests", "ADMIN")).contains("href=\"/alerts/targets\"");
    }
}

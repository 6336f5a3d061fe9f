package io.virtdeck.web;

import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@VirtdeckIntegrationTest
class OpenApiTest {

    @Autowired
    MockMvc mvc;

    @Test
    void theOpenApiDocumentDescribesTheFoundationEndpoints() throws Exception {
        String doc = mvc.perform(get("/v3/api-docs")).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(doc).contains("\"/api/v1/hosts\"", "\"/api/v1/hosts/{id}\"", "\"/api/v1/guests\"",
                "\"/api/v1/guests/{id}\"", "\"/api/v1/guests/{id}/actions/{action}\"", "\"/api/v1/audit\"",
                "\"/api/v1/hosts/{id}/guests\"", "\"/api/v1/guests/{id}/snapshots\"",
                "\"/api/v1/guests/{id}/snapshots/{name}/revert\"", "\"/api/v1/guests/{id}/snapshots/{name}\"");
    }

    @Test
    void pagesCarryAStrictContentSecurityPolicy() throws Exception {
        String csp = mvc.perform(get("/login")).andExpect(status().isOk())
                .andReturn().getResponse().getHeader("Content-Security-Policy");
        assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe-inline");
    }
}

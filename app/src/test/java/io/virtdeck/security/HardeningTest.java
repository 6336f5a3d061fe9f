package io.virtdeck.security;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.virtdeck.support.Api;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.HttpMethod;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;

/**
 * Security headers on every answer and CSRF on every form, checked against the application's own request mappings
 * and templates, so a new page or form cannot slip past; and a new session id at login.
 */
@VirtdeckIntegrationTest
class HardeningTest {

    /** Variables in mapped paths become an id no object has: the answer is then mostly 404, with its headers. */
    private static final Pattern PATH_VARIABLE = Pattern.compile("\\{\\*?[^}]+}");

    @Autowired
    MockMvc mvc;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void everyMappedGetAnswersWithTheSecurityHeaders() throws Exception {
        List<String> paths = paths(Set.of(RequestMethod.GET), true);
        assertThat(paths).contains("/guests", "/admin/users", "/account", "/login", "/api/v1/users");
        List<String> missing = new ArrayList<>();
        for (String path : paths) {
            MockHttpServletResponse response = mvc.perform(get(path).with(path.startsWith("/api/")
                    ? httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD) : user(Api.ADMIN).roles("ADMIN"))).andReturn().getResponse();
            String csp = response.getHeader("Content-Security-Policy");
            if (csp == null || !csp.contains("script-src 'self';") || csp.contains("unsafe-inline")
                    || !csp.contains("frame-ancestors 'none'")
                    || !"nosniff".equals(response.getHeader("X-Content-Type-Options"))
                    || !"DENY".equals(response.getHeader("X-Frame-Options"))
                    || !"same-origin".equals(response.getHeader("Referrer-Policy"))) {
                missing.add(path + " (" + response.getStatus() + ")");
            }
        }
        assertThat(missing).as("answers without the security headers").isEmpty();
    }

    @Test
    void everyPageMappingThatChangesSomethingRefusesARequestWithoutItsCsrfToken() throws Exception {
        Set<RequestMethod> changing = Set.of(RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH,
                RequestMethod.DELETE);
        List<String> paths = paths(changing, false);
        assertThat(paths).contains("POST /admin/users", "POST /account/tokens");
        // answered by Spring Security's filters, not by a mapping
        paths.addAll(List.of("POST /login", "POST /logout"));
        List<String> accepted = new ArrayList<>();
        for (String methodAndPath : paths) {
            String[] parts = methodAndPath.split(" ", 2);
            int status = mvc.perform(request(HttpMethod.valueOf(parts[0]), parts[1]).with(user(Api.ADMIN)
                    .roles("ADMIN"))).andReturn().getResponse().getStatus();
            if (status != 403) {
                accepted.add(methodAndPath + " (" + status + ")");
            }
        }
        assertThat(accepted).as("page requests let through without a CSRF token").isEmpty();
    }

    @Test
    void everyPostFormInTheTemplatesCarriesTheCsrfTokenAndNoTemplateHasInlineScript() throws Exception {
        Pattern form = Pattern.compile("<form\\b[^>]*>", Pattern.CASE_INSENSITIVE);
        Pattern inlineScript = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>|\\son[a-z]+\\s*=",
                Pattern.CASE_INSENSITIVE);
        List<String> problems = new ArrayList<>();
        int postForms = 0;
        for (Resource template : new PathMatchingResourcePatternResolver()
                .getResources("classpath*:templates/**/*.html")) {
            String html = template.getContentAsString(StandardCharsets.UTF_8);
            Matcher forms = form.matcher(html);
            while (forms.find()) {
                String tag = forms.group();
                if (tag.toLowerCase().contains("method=\"post\"")) {
                    postForms++;
                    // th:action is what makes Thymeleaf add the hidden _csrf field
                    if (!tag.contains("th:action=")) {
                        problems.add(template.getFilename() + ": " + tag);
                    }
                }
            }
            Matcher script = inlineScript.matcher(html);
            if (script.find()) {
                problems.add(template.getFilename() + ": inline script " + script.group());
            }
        }
        assertThat(postForms).isGreaterThan(20);
        assertThat(problems).isEmpty();
        String page = mvc.perform(get("/account").with(user(Api.ADMIN).roles("ADMIN"))).andReturn().getResponse()
                .getContentAsString();
        assertThat(page).contains("<input type=\"hidden\" name=\"_csrf\"");
    }

    @Test
    void loggingInGivesTheSessionANewId() throws Exception {
        MockHttpSession before = (MockHttpSession) mvc.perform(get("/login")).andReturn().getRequest().getSession();
        String anonymousId = before.getId();
        var login = mvc.perform(post("/login").session(before).param("username", Api.ADMIN)
                .param("password", Api.ADMIN_PASSWORD).with(csrf())).andReturn();
        assertThat(login.getResponse().getRedirectedUrl()).isEqualTo("/");
        assertThat(login.getRequest().getSession(false).getId()).isNotEqualTo(anonymousId);
    }

    /** Mapped paths for these methods, variables filled in: pages and the API, or pages alone with their method. */
    private List<String> paths(Set<RequestMethod> methods, boolean withApi) {
        Set<String> paths = new TreeSet<>();
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            Set<RequestMethod> mapped = info.getMethodsCondition().getMethods();
            for (RequestMethod method : mapped.isEmpty() ? methods : mapped) {
                if (!methods.contains(method)) {
                    continue;
                }
                for (PathPattern pattern : info.getPathPatternsCondition().getPatterns()) {
                    String path = PATH_VARIABLE.matcher(pattern.getPatternString()).replaceAll("999999");
                    if (withApi) {
                        paths.add(path);
                    } else if (!path.startsWith("/api/")) {
                        paths.add(method.name() + " " + path);
                    }
                }
            }
        }
        return new ArrayList<>(paths);
    }
}

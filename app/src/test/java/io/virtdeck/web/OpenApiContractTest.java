package io.virtdeck.web;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The OpenAPI document (/v3/api-docs) is the REST contract: every /api/v1 operation the application maps is in it,
 * with a schema that names the fields of the body it takes (not a free-form map) and a schema for the body it answers.
 * The operations come from the application's own handler mappings, so a new endpoint is checked without a list here.
 */
@VirtdeckIntegrationTest
class OpenApiContractTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void everyApiOperationDescribesTheBodiesItTakesAndAnswers() throws Exception {
        JsonNode document = JsonMapper.shared().readTree(mvc.perform(get("/v3/api-docs")).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString());
        List<String> faults = new ArrayList<>();
        int bodiesTaken = 0;
        for (var mapping : mappings.getHandlerMethods().entrySet()) {
            HandlerMethod handler = mapping.getValue();
            for (String pattern : mapping.getKey().getPatternValues()) {
                if (!pattern.startsWith("/api/v1/")) {
                    continue;
                }
                for (RequestMethod method : mapping.getKey().getMethodsCondition().getMethods()) {
                    String operation = method + " " + pattern;
                    JsonNode described = document.path("paths").path(pattern.replaceAll("\\{(\\w+):[^}]*}", "{$1}"))
                            .path(method.name().toLowerCase(Locale.ROOT));
                    if (described.isMissingNode()) {
                        faults.add(operation + ": not in the document");
                        continue;
                    }
                    if (takesBody(handler)) {
                        bodiesTaken++;
                        if (!anyContentDescribed(document, described.path("requestBody").path("content"))) {
                            faults.add(operation + ": no schema naming the request body's fields");
                        }
                    }
                    if (answersBody(handler) && !answerDescribed(document, described.path("responses"))) {
                        faults.add(operation + ": no schema for the response body");
                    }
                }
            }
        }
        // the generator must find the operations, or this test would pass on nothing
        assertThat(bodiesTaken).isGreaterThan(20);
        assertThat(faults).isEmpty();
    }

    private static boolean takesBody(HandlerMethod handler) {
        return Arrays.stream(handler.getMethodParameters()).anyMatch(p -> p.hasParameterAnnotation(RequestBody.class));
    }

    /** Anything but {@code void} and {@code ResponseEntity<Void>}. */
    private static boolean answersBody(HandlerMethod handler) {
        Type type = handler.getReturnType().getGenericParameterType();
        if (type == void.class || type == Void.class) {
            return false;
        }
        return !(type instanceof ParameterizedType entity && entity.getRawType() == ResponseEntity.class
                && entity.getActualTypeArguments()[0] == Void.class);
    }

    private static boolean answerDescribed(JsonNode document, JsonNode responses) {
        for (var response : responses.properties()) {
            if (response.getKey().startsWith("2") && anyContentDescribed(document, response.getValue().path("content"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyContentDescribed(JsonNode document, JsonNode content) {
        for (JsonNode media : content) {
            if (described(document, media.path("schema"))) {
                return true;
            }
        }
        return false;
    }

    /** A schema with named fields, an array of such, a scalar, or a choice of schemas; not a bare or free-form object. */
    private static boolean described(JsonNode document, JsonNode schema) {
        if (schema.has("$ref")) {
            String name = schema.get("$ref").asString().substring("#/components/schemas/".length());
            return described(document, document.path("components").path("schemas").path(name));
        }
        if (schema.has("items")) {
            return described(document, schema.get("items"));
        }
        if (schema.has("properties") || schema.has("oneOf") || schema.has("anyOf") || schema.has("allOf")) {
            return true;
        }
        return schema.has("type") && !schema.path("type").asString().equals("object");
    }
}

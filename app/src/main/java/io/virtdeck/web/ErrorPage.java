package io.virtdeck.web;

import java.util.Set;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.view.json.JacksonJsonView;

/** The one error answer: OpenAPI's JSON error shape under /api/, the error page (templates/error.html) elsewhere. */
final class ErrorPage {

    private ErrorPage() {
    }

    static ModelAndView of(HttpServletRequest request, HttpServletResponse response, HttpStatus status,
                           String message) {
        response.setStatus(status.value());
        if (isApi(request)) {
            JacksonJsonView json = new JacksonJsonView();
            json.setModelKeys(Set.of("error"));
            json.setExtractValueFromSingleKeyModel(true);
            ModelAndView body = new ModelAndView(json);
            body.setStatus(status);
            body.addObject("error", new ApiError(status.value(), status.getReasonPhrase(), message, null));
            return body;
        }
        ModelAndView page = new ModelAndView("web/error");
        page.setStatus(status);
        page.addObject("status", status.value());
        page.addObject("error", status.getReasonPhrase());
        page.addObject("message", message);
        return page;
    }

    private static boolean isApi(HttpServletRequest request) {
        Object original = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String uri = original != null ? original.toString() : request.getRequestURI();
        return uri.startsWith("/api/");
    }
}

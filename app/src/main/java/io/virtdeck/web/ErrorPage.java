package io.virtdeck.web;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.ModelAndView;

/** The one error page (templates/error.html): status, what happened, and a way back. */
final class ErrorPage {

    private ErrorPage() {
    }

    static ModelAndView of(HttpServletResponse response, HttpStatus status, String message) {
        response.setStatus(status.value());
        ModelAndView page = new ModelAndView("error");
        page.setStatus(status);
        page.addObject("status", status.value());
        page.addObject("error", status.getReasonPhrase());
        page.addObject("message", message);
        return page;
    }
}

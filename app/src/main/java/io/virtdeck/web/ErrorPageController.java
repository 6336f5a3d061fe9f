package io.virtdeck.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.ModelAndView;

/**
 * Errors that never reached a controller (failures in filters, the servlet container's own errors): API clients get
 * OpenAPI's error shape, browsers the error page.
 */
@Controller
public class ErrorPageController implements ErrorController {

    @RequestMapping("/error")
    ModelAndView error(HttpServletRequest request, HttpServletResponse response) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer i ? HttpStatus.resolve(i) : null;
        status = status == null ? HttpStatus.INTERNAL_SERVER_ERROR : status;
        return ErrorPage.of(request, response, status, message(status));
    }

    static String message(HttpStatus status) {
        return switch (status) {
            case NOT_FOUND -> "There is nothing at this address.";
            case FORBIDDEN -> "Your role does not allow this.";
            case UNAUTHORIZED -> "Please log in.";
            case METHOD_NOT_ALLOWED -> "This address does not accept that kind of request.";
            default -> status.is4xxClientError() ? "The request was not accepted."
                    : "Something went wrong on the server; the details are in Virtdeck's log.";
        };
    }
}

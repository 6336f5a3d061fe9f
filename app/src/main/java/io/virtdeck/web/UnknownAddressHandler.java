package io.virtdeck.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** An address no controller serves: 404 in the API's shape or as the error page. */
@ControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class UnknownAddressHandler {

    // no handler at all, or (under /assets) no such static file
    @ExceptionHandler({NoHandlerFoundException.class, NoResourceFoundException.class})
    ModelAndView notFound(HttpServletRequest request, HttpServletResponse response) {
        return ErrorPage.of(request, response, HttpStatus.NOT_FOUND, ErrorPageController.message(HttpStatus.NOT_FOUND));
    }
}

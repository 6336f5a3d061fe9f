package io.virtdeck.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;

/** Failures of page controllers become an error page in an operator's words, never a stack trace. */
@ControllerAdvice(annotations = Controller.class)
@Order(Ordered.LOWEST_PRECEDENCE)
public class PageExceptionHandler {

    @ExceptionHandler(VirtdeckException.class)
    ModelAndView virtdeck(VirtdeckException e, HttpServletRequest request, HttpServletResponse response) {
        return ErrorPage.of(request, response, e.status(), e.getMessage());
    }

    @ExceptionHandler(HypervisorException.class)
    ModelAndView hypervisor(HypervisorException e, HttpServletRequest request, HttpServletResponse response) {
        return ErrorPage.of(request, response, HypervisorErrors.status(e), HypervisorErrors.message(e));
    }

    @ExceptionHandler(AccessDeniedException.class)
    ModelAndView denied(AccessDeniedException e, HttpServletRequest request, HttpServletResponse response) {
        return ErrorPage.of(request, response, HttpStatus.FORBIDDEN, "Your role does not allow this action.");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ModelAndView typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request, HttpServletResponse response) {
        return ErrorPage.of(request, response, HttpStatus.BAD_REQUEST, e.getName() + ": '" + e.getValue() + "' is not valid.");
    }
}

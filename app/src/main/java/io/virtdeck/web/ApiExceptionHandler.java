package io.virtdeck.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import tools.jackson.databind.exc.MismatchedInputException;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;

/** Turns every failure of a REST controller into OpenAPI's error shape; bad input never becomes a 500. */
@RestControllerAdvice(annotations = RestController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ApiExceptionHandler {

    @ExceptionHandler(VirtdeckException.class)
    ResponseEntity<ApiError> virtdeck(VirtdeckException e) {
        return error(e.status(), e.getMessage(), e.field());
    }

    @ExceptionHandler(HypervisorException.class)
    ResponseEntity<ApiError> hypervisor(HypervisorException e) {
        return error(HypervisorErrors.status(e), HypervisorErrors.message(e), null);
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<ApiError> denied(AccessDeniedException e) {
        return error(HttpStatus.FORBIDDEN, "Your role does not allow this action.", null);
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<ApiError> invalidBody(MethodArgumentNotValidException e) {
        var fieldError = e.getBindingResult().getFieldError();
        if (fieldError != null) {
            return error(HttpStatus.BAD_REQUEST, fieldError.getField() + ": " + fieldError.getDefaultMessage(),
                    fieldError.getField());
        }
        return error(HttpStatus.BAD_REQUEST, "The request is not valid.", null);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ApiError> typeMismatch(MethodArgumentTypeMismatchException e) {
        return error(HttpStatus.BAD_REQUEST, e.getName() + ": '" + e.getValue() + "' is not a valid value.",
                e.getName());
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ApiError> missingParameter(MissingServletRequestParameterException e) {
        return error(HttpStatus.BAD_REQUEST, e.getParameterName() + " is required.", e.getParameterName());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException e) {
        // valid JSON with a value of the wrong kind ("sizeMiB": "big"): name the field, as the services do
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof MismatchedInputException wrong && !wrong.getPath().isEmpty()
                    && wrong.getPath().get(wrong.getPath().size() - 1).getPropertyName() != null) {
                String field = fieldPath(wrong);
                return error(HttpStatus.BAD_REQUEST, field + " must be " + kindOf(wrong.getTargetType()) + ".", field);
            }
        }
        return error(HttpStatus.BAD_REQUEST, "The request body is missing or is not valid JSON.", null);
    }

    /** The field as the services name it: "cloudInit.nics", "disks[1].sizeMiB". */
    private static String fieldPath(MismatchedInputException wrong) {
        StringBuilder path = new StringBuilder();
        wrong.getPath().forEach(step -> {
            if (step.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(step.getPropertyName());
            } else if (step.getIndex() >= 0) {
                path.append('[').append(step.getIndex()).append(']');
            }
        });
        return path.toString();
    }

    private static String kindOf(Class<?> type) {
        if (type == null) {
            return "of the documented kind";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class || type.isEnum()) {
            return "text";
        }
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "an object";
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ApiError> mediaType(HttpMediaTypeNotSupportedException e) {
        return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Send the request body as application/json.", null);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ApiError> method(HttpRequestMethodNotSupportedException e) {
        return error(HttpStatus.METHOD_NOT_ALLOWED, e.getMethod() + " is not supported here.", null);
    }

    static ResponseEntity<ApiError> error(HttpStatus status, String message, String field) {
        return ResponseEntity.status(status).body(new ApiError(status.value(), status.getReasonPhrase(), message, field));
    }
}

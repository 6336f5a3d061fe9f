package io.virtdeck.web;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The error body of every API answer that is not 2xx (OpenAPI: ApiError); {@code field} when one field is at fault. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(int status, String error, String message, String field) {
}

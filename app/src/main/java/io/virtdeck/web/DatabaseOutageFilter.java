package io.virtdeck.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.json.JsonMapper;
import io.virtdeck.core.DatabaseOutage;
import io.virtdeck.database.DatabaseStatus;

/**
 * While PostgreSQL is unreachable, every page and API request is answered at once with 503 and a Retry-After: the
 * API in its error shape, pages with a plain page that retries by itself (the layout itself reads the database). It
 * runs before Spring Security, whose filters read the database too (API tokens, the live account check).
 * Static files, the actuator's health (its own 503) and open console sessions need no database and pass.
 */
@Component
@Order(-101)
class DatabaseOutageFilter extends OncePerRequestFilter {

    static final int RETRY_AFTER_SECONDS = 5;
    private final DatabaseStatus database;
    private final JsonMapper json;

    DatabaseOutageFilter(DatabaseStatus database, JsonMapper json) {
        this.database = database;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.startsWith("/assets/") || path.startsWith("/actuator/") || path.equals("/favicon.ico");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!database.reachable()) {
            answer(request, response);
            return;
        }
        try {
            chain.doFilter(request, response);
        } catch (ServletException | IOException | RuntimeException e) {
            if (!database.failed(e) || response.isCommitted()) {
                throw e;
            }
            response.reset();
            answer(request, response);
        }
    }

    private void answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
        response.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        response.setHeader("Cache-Control", "no-store");
        if (request.getRequestURI().startsWith(request.getContextPath() + "/api/")) {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write(json.writeValueAsString(new ApiError(HttpStatus.SERVICE_UNAVAILABLE.value(),
                    HttpStatus.SERVICE_UNAVAILABLE.getReasonPhrase(), DatabaseOutage.MESSAGE, null)));
            return;
        }
        if ("true".equals(request.getHeader("HX-Request"))) {
            response.setHeader("HX-Refresh", "true"); // htmx swaps no error: the whole page shows this one instead
        }
        response.setContentType(MediaType.TEXT_HTML_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        // the page a person was on, reloaded: it shows again once the database is back
        response.getWriter().write("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <meta http-equiv="refresh" content="%d">
                <title>Database unreachable - Virtdeck</title></head>
                <body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
                <h1>Virtdeck's database is unreachable</h1>
                <p>%s</p>
                <p>This page tries again every %d seconds by itself. Open consoles stay connected.</p>
                </body></html>
                """.formatted(RETRY_AFTER_SECONDS, HtmlUtils.htmlEscape(DatabaseOutage.MESSAGE),
                RETRY_AFTER_SECONDS));
    }
}

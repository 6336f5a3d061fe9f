package io.virtdeck.core;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

/**
 * CSV lines as RFC 4180 has them (CRLF, fields with a comma, quote or line break quoted, quotes doubled), for the
 * exports people open in a spreadsheet. A field a spreadsheet would take for a formula (=, +, -, @ first) is written
 * with a leading apostrophe: exports hold text users typed.
 */
public final class Csv {

    private Csv() {
    }

    /** One line of {@code fields} (null: an empty field). */
    public static void line(Writer out, String... fields) {
        try {
            for (int i = 0; i < fields.length; i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(field(fields[i]));
            }
            out.write("\r\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String field(String value) {
        if (value == null) {
            return "";
        }
        String text = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        return text.matches("(?s).*[\",\r\n].*") ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }

    /**
     * Makes the response a CSV download named {@code filename} (an attachment) and gives its writer: asked once the
     * permission is checked, so that a refusal can still answer with its status.
     */
    public static Writer download(HttpServletResponse response, String filename) {
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"" + filename + "\"");
        try {
            return new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

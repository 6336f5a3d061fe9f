package io.virtdeck.web;

import java.util.function.UnaryOperator;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import io.virtdeck.core.VirtdeckException;

/**
 * A form page shown again after its service refused what was entered: the refusal's status, and its message beside
 * the field at fault (or above the form). An object that does not exist (404) stays an error page: there is no form to
 * go back to.
 */
public final class RefusedForm {

    private RefusedForm() {
    }

    public static void show(VirtdeckException e, String what, Model model, HttpServletResponse response) {
        show(e, what, model, response, UnaryOperator.identity());
    }

    /** {@code formField} names the form's field for a field the service names, where the two differ. */
    public static void show(VirtdeckException e, String what, Model model, HttpServletResponse response,
                            UnaryOperator<String> formField) {
        if (e.status() == HttpStatus.NOT_FOUND) {
            throw e;
        }
        response.setStatus(e.status().value());
        if (e.field() == null) {
            model.addAttribute("problem", what + ": " + e.getMessage());
        } else {
            model.addAttribute("problem", what + ": correct the field marked below.");
            model.addAttribute("errorField", formField.apply(e.field()));
            model.addAttribute("errorMessage", e.getMessage());
        }
    }
}

package io.virtdeck.web;

import java.util.function.Supplier;

import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;

/**
 * Post-redirect-get for page forms: the action's outcome becomes the next page's notice, or its refusal the next
 * page's problem. An object that does not exist (404) stays an error page: there is nothing to go back to.
 */
public final class Flash {

    private Flash() {
    }

    public static String redirect(RedirectAttributes redirect, String target, Supplier<String> action) {
        try {
            redirect.addFlashAttribute("notice", action.get());
        } catch (VirtdeckException e) {
            if (e.status().value() == 404) {
                throw e;
            }
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:" + target;
    }
}

package io.virtdeck.web;

import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.Role;

/** What the layout needs on every page: where we are (for the navigation) and who is looking. */
@ControllerAdvice
class LayoutModel {

    @ModelAttribute("currentPath")
    String currentPath(HttpServletRequest request) {
        return request.getRequestURI();
    }

    @ModelAttribute("currentRole")
    String currentRole() {
        for (Role role : Role.values()) {
            if (CurrentUser.hasRole(role)) {
                return role.name().toLowerCase(Locale.ROOT);
            }
        }
        return "";
    }
}

package io.virtdeck.tag;

import java.util.Arrays;
import java.util.List;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.web.Flash;

/** The tag editors of the guest and host pages: tags added (several, by spaces or commas) and removed, one by one. */
@Controller
class TagPageController {

    private final TagService tags;

    TagPageController(TagService tags) {
        this.tags = tags;
    }

    @PostMapping("/guests/{id}/tags")
    String addToGuest(@PathVariable long id, @RequestParam(defaultValue = "") String tags,
                      RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/guests/" + id, () ->
                added(this.tags.addToGuest(id, typed(tags)), typed(tags)));
    }

    @PostMapping("/guests/{id}/tags/remove")
    String removeFromGuest(@PathVariable long id, @RequestParam(defaultValue = "") String tag,
                           RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/guests/" + id, () -> {
            tags.removeFromGuest(id, List.of(tag));
            return "Tag " + tag + " removed.";
        });
    }

    @PostMapping("/hosts/{id}/tags")
    String addToHost(@PathVariable long id, @RequestParam(defaultValue = "") String tags,
                     RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/hosts/" + id, () ->
                added(this.tags.addToHost(id, typed(tags)), typed(tags)));
    }

    @PostMapping("/hosts/{id}/tags/remove")
    String removeFromHost(@PathVariable long id, @RequestParam(defaultValue = "") String tag,
                          RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/hosts/" + id, () -> {
            tags.removeFromHost(id, List.of(tag));
            return "Tag " + tag + " removed.";
        });
    }

    /** What was typed in the field: tags apart by spaces or commas; nothing typed is one empty tag (refused). */
    private static List<String> typed(String text) {
        return Arrays.stream(text.strip().split("[\\s,]+")).toList();
    }

    private static String added(List<String> now, List<String> typed) {
        return (typed.size() == 1 ? "Tag " : "Tags ") + String.join(", ", typed) + " added; tags now: "
                + String.join(", ", now) + ".";
    }
}

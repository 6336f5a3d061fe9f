package io.virtdeck.task;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.Page;
import io.virtdeck.core.VirtdeckException;

/** The tasks page and the tasks drawer docked at the bottom of every page (refreshed by htmx while it is open). */
@Controller
class TaskPageController {

    private static final int DRAWER_SIZE = 6;

    private final TaskService tasks;

    TaskPageController(TaskService tasks) {
        this.tasks = tasks;
    }

    @GetMapping("/tasks")
    String list(@RequestParam(required = false) Integer page, Model model) {
        Page<Task> shown = tasks.list(false, Page.checkedPage(page), 50);
        model.addAttribute("tasks", shown);
        model.addAttribute("mayCancel", tasks.cancellableByUser(shown.items()));
        return "task/list";
    }

    @GetMapping("/tasks/drawer")
    String drawer(Model model) {
        model.addAttribute("tasks", tasks.list(false, 0, DRAWER_SIZE));
        model.addAttribute("active", tasks.list(true, 0, 1).total());
        return "task/list :: drawer";
    }

    @PostMapping("/tasks/{id}/cancel")
    String cancel(@PathVariable long id, RedirectAttributes redirect) {
        try {
            tasks.cancel(id);
            redirect.addFlashAttribute("notice", "Cancelling task " + id + "; it stops at the next safe point.");
        } catch (VirtdeckException e) {
            if (e.status().value() == 404) {
                throw e;
            }
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/tasks";
    }
}

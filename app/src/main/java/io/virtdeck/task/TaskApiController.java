package io.virtdeck.task;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.core.Page;

@RestController
@RequestMapping("/api/v1/tasks")
class TaskApiController {

    private final TaskService tasks;

    TaskApiController(TaskService tasks) {
        this.tasks = tasks;
    }

    /** Newest first; {@code active=true} for the queued and running ones only. */
    @GetMapping
    Page<Task> list(@RequestParam(defaultValue = "false") boolean active,
                    @RequestParam(required = false) Integer page,
                    @RequestParam(required = false) Integer size) {
        return tasks.list(active, Page.checkedPage(page), Page.checkedSize(size, 50));
    }

    @GetMapping("/{id}")
    Task get(@PathVariable long id) {
        return tasks.get(id);
    }

    @PostMapping("/{id}/cancel")
    Task cancel(@PathVariable long id) {
        return tasks.cancel(id);
    }
}

package io.virtdeck.storage;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.task.Task;

/**
 * Image import over REST: PUT streams an image (or OVA) to the server's staging directory and answers with its facts;
 * POST imports a staged image into a pool (202, a task); DELETE discards it. The Import page's script stages through
 * the same PUT under /hosts/... (session and CSRF token).
 */
@RestController
class ImageImportController {

    private final ImageImportService imports;

    ImageImportController(ImageImportService imports) {
        this.imports = imports;
    }

    /**
     * Query {@code fileName}: the image's name, for people (the format is read from the bytes). Not required here:
     * the service names it in a 400 once the user may import on the host.
     */
    @PutMapping({"/api/v1/hosts/{id}/imports", "/hosts/{id}/imports"})
    ResponseEntity<ImageImportService.StagedImage> stage(@PathVariable long id,
                                                         @RequestParam(required = false) String fileName,
                                                         HttpServletRequest request) throws IOException {
        return ResponseEntity.status(HttpStatus.CREATED).body(imports.stage(id, fileName,
                request.getContentLengthLong(), request.getInputStream()));
    }

    @GetMapping("/api/v1/hosts/{id}/imports")
    List<ImageImportService.StagedImage> list(@PathVariable long id) {
        return imports.list(id);
    }

    @GetMapping("/api/v1/hosts/{id}/imports/{stage}")
    ImageImportService.StagedImage get(@PathVariable long id, @PathVariable String stage) {
        return imports.get(id, stage);
    }

    @PostMapping("/api/v1/hosts/{id}/imports/{stage}")
    ResponseEntity<Task> importImage(@PathVariable long id, @PathVariable String stage,
                                     @RequestBody ImageImportService.ImportRequest request) {
        return ResponseEntity.accepted().body(imports.importImage(id, stage, request));
    }

    @DeleteMapping("/api/v1/hosts/{id}/imports/{stage}")
    ResponseEntity<Void> discard(@PathVariable long id, @PathVariable String stage) {
        imports.discard(id, stage);
        return ResponseEntity.noContent().build();
    }
}

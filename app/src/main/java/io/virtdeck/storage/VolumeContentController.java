package io.virtdeck.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.task.Task;

/**
 * A volume's content over HTTP. PUT streams the request body into the volume and answers with the ended task; GET
 * streams the volume out as a file download. The servlet streams are used directly: no multipart parsing, nothing
 * spooled or held whole. The Storage page's script uploads through the same PUT under /hosts/... (session and CSRF
 * token) and reads the same JSON answer.
 */
@RestController
class VolumeContentController {

    private final VolumeContentService content;

    VolumeContentController(VolumeContentService content) {
        this.content = content;
    }

    /** Query {@code format}: qcow2 (default) or raw, checked against the bytes. 201 when the volume was made. */
    @PutMapping({"/api/v1/hosts/{id}/pools/{pool}/volumes/{volume}/content",
            "/hosts/{id}/storage/{pool}/volumes/{volume}/content"})
    ResponseEntity<Task> upload(@PathVariable long id, @PathVariable String pool, @PathVariable String volume,
                                @RequestParam(required = false) String format, HttpServletRequest request)
            throws IOException {
        VolumeContentService.Upload upload = content.upload(id, pool, volume, format,
                request.getContentLengthLong(), request.getInputStream());
        return ResponseEntity.status(upload.created() ? HttpStatus.CREATED : HttpStatus.OK).body(upload.task());
    }

    @GetMapping("/api/v1/hosts/{id}/pools/{pool}/volumes/{volume}/content")
    void download(@PathVariable long id, @PathVariable String pool, @PathVariable String volume,
                  HttpServletResponse response) {
        content.download(id, pool, volume, attachment(response, volume));
    }

    /** Sets a download's headers (its exact length, the volume's name as the file name) and hands out the body. */
    static VolumeContentService.ContentSink attachment(HttpServletResponse response, String volume) {
        return bytes -> {
            response.setContentType(MediaType.APPLICATION_OCTET_STREAM_VALUE);
            response.setContentLengthLong(bytes);
            response.setHeader(HttpHeaders.CONTENT_DISPOSITION,
                    ContentDisposition.attachment().filename(volume, StandardCharsets.UTF_8).build().toString());
            return response.getOutputStream();
        };
    }
}

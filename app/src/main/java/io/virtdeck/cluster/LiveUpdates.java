package io.virtdeck.cluster;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;

/**
 * Server-sent events to open pages: "guest" and "host" events carry only the id (and whether it was removed); the
 * page then fetches the changed row, so every byte shown still passes the usual permission checks.
 */
@Controller
class LiveUpdates {

    private final List<SseEmitter> emitters = new CopyOnWriteArrayList<>();
    private final Permissions permissions;

    LiveUpdates(Permissions permissions) {
        this.permissions = permissions;
    }

    @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    SseEmitter subscribe() throws IOException {
        // ids only go out: anyone who may see some guest may listen (see above)
        permissions.visibleOrDeny(Action.READ_GUEST);
        SseEmitter emitter = new SseEmitter(0L);
        emitter.onCompletion(() -> emitters.remove(emitter));
        emitter.onTimeout(() -> emitters.remove(emitter));
        emitter.onError(e -> emitters.remove(emitter));
        emitters.add(emitter);
        // an event at once lets the browser know the stream is open (and tests wait for it)
        emitter.send(SseEmitter.event().name("ready").data("{}", MediaType.APPLICATION_JSON));
        return emitter;
    }

    /** Open streams would hold a graceful shutdown for its whole timeout: end them first. */
    @EventListener(ContextClosedEvent.class)
    void closeStreams() {
        emitters.forEach(SseEmitter::complete);
        emitters.clear();
    }

    @EventListener
    void onChange(InventoryChanged change) {
        String name;
        Map<String, Object> data;
        if (change instanceof InventoryChanged.GuestChanged guest) {
            name = "guest";
            data = Map.of("id", guest.guestId(), "removed", guest.removed());
        } else if (change instanceof InventoryChanged.HostChanged host) {
            name = "host";
            data = Map.of("id", host.hostId(), "removed", host.removed());
        } else {
            return;
        }
        for (SseEmitter emitter : emitters) {
            try {
                emitter.send(SseEmitter.event().name(name).data(data, MediaType.APPLICATION_JSON));
            } catch (IOException | IllegalStateException e) {
                emitters.remove(emitter);
            }
        }
    }
}

package io.virtdeck.alerts.targets;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.security.Action;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.Permissions;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alert targets: administrators make, change, delete and test them; operators and viewers read them (without their
 * secrets: only whether one is set), help desk nothing. Every change goes through the action runner (permission,
 * checks naming the field at fault, audit entry).
 */
@Service
public class AlertTargetService {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}");
    /** A host name or an address: no spaces, no scheme, no path. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]+\\]");
    private static final int MIN_KEY = 16;

    private final AlertTargetRepository repository;
    private final AlertDispatch dispatch;
    private final AlertTargetProperties properties;
    private final ActionRunner actions;
    private final Permissions permissions;
    private final JsonMapper json;

    AlertTargetService(AlertTargetRepository repository, AlertDispatch dispatch, AlertTargetProperties properties,
                       ActionRunner actions, Permissions permissions, JsonMapper json) {
        this.repository = repository;
        this.dispatch = dispatch;
        this.properties = properties;
        this.actions = actions;
        this.permissions = permissions;
        this.json = json;
    }

    /** Every target with its last delivery: for those who watch the fleet (not help desk). */
    public List<AlertTargetView> list() {
        requireRead();
        Map<Long, AlertTargetView.LastDelivery> last = repository.lastDeliveries();
        return repository.findAll().stream().map(t -> AlertTargetView.of(t, last.get(t.id()))).toList();
    }

    public AlertTargetView get(long id) {
        requireRead();
        return AlertTargetView.of(require(id), repository.lastDeliveries().get(id));
    }

    /** Whether the current user may make, change, delete and test targets: for the page's buttons. */
    public boolean mayChange() {
        return permissions.allows(Action.ADMINISTER, ObjectRef.root());
    }

    public AlertTargetView create(AlertTargetRequest request) {
        AuditObject subject = new AuditObject("alert-target", null, request.name());
        return actions.plan(AuditAction.ALERT_TARGET_CREATE, subject).evenWhileBusy()
                .permit(this::requireChange)
                .check(() -> checked(request, null))
                .run(() -> {
                    Checked checked = checked(request, null);
                    long id = repository.insert(checked.name(), checked.kind(), checked.settings(), checked.secret());
                    AlertTarget target = require(id);
                    return Done.of(AlertTargetView.of(target, null), target.kind() + " to " + target.where())
                            .about(subject(target));
                });
    }

    /** Changes the target; a blank password or key keeps the stored one. Its kind stays. */
    public AlertTargetView update(long id, AlertTargetRequest request) {
        AlertTarget existing = require(id);
        return actions.plan(AuditAction.ALERT_TARGET_UPDATE, subject(existing)).evenWhileBusy()
                .permit(this::requireChange)
                .check(() -> checked(request, existing))
                .run(() -> {
                    Checked checked = checked(request, existing);
                    repository.update(id, checked.name(), checked.settings(), checked.secret());
                    if (checked.dropSecret()) {
                        repository.clearSecret(id);
                    }
                    AlertTarget target = require(id);
                    return Done.of(AlertTargetView.of(target, repository.lastDeliveries().get(id)),
                            target.kind() + " to " + target.where() + (checked.secret() != null
                                    ? "; secret replaced" : checked.dropSecret() ? "; secret removed" : ""));
                });
    }

    /** Deletes the target and its deliveries (the alert rules stop sending to it). */
    public void delete(long id) {
        AlertTarget target = require(id);
        actions.plan(AuditAction.ALERT_TARGET_DELETE, subject(target)).evenWhileBusy()
                .permit(this::requireChange)
                .execute(() -> repository.delete(id));
    }

    /**
     * Sends a test message to the target now, with a short timeout, and tells what the receiver answered in plain
     * words; a failure is an answer too (and a FAILURE in the audit log).
     */
    public TestAnswer test(long id) {
        AlertTarget target = require(id);
        try {
            return actions.plan(AuditAction.ALERT_TARGET_TEST, subject(target)).evenWhileBusy()
                    .permit(this::requireChange)
                    .run(() -> {
                        try {
                            String answer = "Sent: " + dispatch.send(target, testMessage(target),
                                    properties.testTimeout());
                            return Done.of(new TestAnswer(true, answer), answer);
                        } catch (DeliveryFailure e) {
                            throw VirtdeckException.refused("Failed: " + e.getMessage());
                        }
                    });
        } catch (VirtdeckException e) {
            if (e.status() != HttpStatus.UNPROCESSABLE_CONTENT) {
                throw e;
            }
            return new TestAnswer(false, e.getMessage());
        }
    }

    /** What a test message got: {@code answer} in plain words ("Sent: the receiver answered 204"). */
    public record TestAnswer(boolean sent, String answer) {
    }

    private OutgoingAlert testMessage(AlertTarget target) {
        String subject = "Virtdeck test message to " + target.name();
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("alert", null);
        message.put("rule", "test");
        message.put("severity", "INFO");
        message.put("state", "TEST");
        message.put("subject", subject);
        message.put("text", "This is a test message from Virtdeck: alerts sent to target '" + target.name()
                + "' arrive here.");
        message.put("object", null);
        message.put("at", Instant.now().toString());
        return new OutgoingAlert(null, subject, json.writeValueAsString(message));
    }

    static AuditObject subject(AlertTarget target) {
        return new AuditObject("alert-target", Long.toString(target.id()), target.name());
    }

    private void requireRead() {
        permissions.require(Action.READ_HOST, ObjectRef.root()); // those who watch the fleet: not help desk
    }

    private void requireChange() {
        permissions.require(Action.ADMINISTER, ObjectRef.root());
    }

    private AlertTarget require(long id) {
        return repository.find(id)
                .orElseThrow(() -> VirtdeckException.notFound("There is no alert target with id " + id + "."));
    }

    // ---- checks

    /** A request checked field by field, as it is stored; {@code secret} null keeps the stored one. */
    private record Checked(String name, AlertTarget.Kind kind, Map<String, Object> settings, String secret,
                           boolean dropSecret) {
    }

    private Checked checked(AlertTargetRequest request, AlertTarget existing) {
        String name = request.name() == null ? null : request.name().strip();
        if (name == null || !NAME.matcher(name).matches()) {
            throw VirtdeckException.invalid("name", "name is required: letters, digits, spaces, '.', '_' and '-',"
                    + " starting with a letter or digit, at most 64 characters.");
        }
        Optional<AlertTarget> named = repository.findByName(name);
        if (named.isPresent() && (existing == null || named.get().id() != existing.id())) {
            throw VirtdeckException.conflict("name", "An alert target named '" + name + "' exists already.");
        }
        AlertTarget.Kind kind = kind(request.kind(), existing);
        return kind == AlertTarget.Kind.MAIL ? mail(name, request, existing) : webhook(name, request, existing);
    }

    private static AlertTarget.Kind kind(String given, AlertTarget existing) {
        if (given == null || given.isBlank()) {
            if (existing != null) {
                return existing.kind();
            }
            throw VirtdeckException.invalid("kind", "kind is required: MAIL or WEBHOOK.");
        }
        AlertTarget.Kind kind;
        try {
            kind = AlertTarget.Kind.valueOf(given.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw VirtdeckException.invalid("kind", "kind must be MAIL or WEBHOOK, not '" + given + "'.");
        }
        if (existing != null && kind != existing.kind()) {
            throw VirtdeckException.invalid("kind", "A target's kind cannot change: make a new " + kind
                    + " target instead.");
        }
        return kind;
    }

    private Checked mail(String name, AlertTargetRequest request, AlertTarget existing) {
        String host = blankToNull(request.host());
        if (host == null || !HOST.matcher(host).matches()) {
            throw VirtdeckException.invalid("host", "host is required: the mail server's name or address, such as"
                    + " smtp.example.com (no scheme, no port).");
        }
        AlertTarget.Security security;
        try {
            security = AlertTarget.Security.valueOf(String.valueOf(request.security()).strip()
                    .toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw VirtdeckException.invalid("security", "security must be STARTTLS, TLS or NONE.");
        }
        int port = request.port() != null ? request.port() : switch (security) {
            case STARTTLS -> 587;
            case TLS -> 465;
            case NONE -> 25;
        };
        if (port < 1 || port > 65535) {
            throw VirtdeckException.invalid("port", "port must be between 1 and 65535 (587 for STARTTLS, 465 for"
                    + " TLS, 25 without encryption).");
        }
        String username = blankToNull(request.username());
        String password = blankToNull(request.password());
        boolean stored = existing != null && existing.secretSet();
        if (username != null && password == null && !stored) {
            throw VirtdeckException.invalid("password", "password is required with a user name.");
        }
        if (username == null && password != null) {
            throw VirtdeckException.invalid("username", "username is required with a password.");
        }
        String from = address("from", request.from());
        List<String> to = new ArrayList<>();
        for (String each : request.to() == null ? List.<String>of() : request.to()) {
            to.add(address("to", each));
        }
        if (to.isEmpty()) {
            throw VirtdeckException.invalid("to", "to is required: one or more addresses the alerts are mailed to.");
        }
        String ca = blankToNull(request.caCertificate());
        if (ca != null) {
            try {
                if (java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(
                        new java.io.ByteArrayInputStream(ca.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                        .isEmpty()) {
                    throw new java.security.cert.CertificateException("no certificate in it");
                }
            } catch (java.security.cert.CertificateException e) {
                throw VirtdeckException.invalid("caCertificate", "caCertificate is not a PEM certificate"
                        + " (-----BEGIN CERTIFICATE----- ...): " + e.getMessage());
            }
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("host", host);
        settings.put("port", port);
        settings.put("security", security.name());
        settings.put("username", username);
        settings.put("from", from);
        settings.put("to", to);
        settings.put("caCertificate", ca);
        return new Checked(name, AlertTarget.Kind.MAIL, settings, password, username == null && stored);
    }

    private Checked webhook(String name, AlertTargetRequest request, AlertTarget existing) {
        String url = blankToNull(request.url());
        URI uri;
        try {
            uri = url == null ? null : new URI(url);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme()
                .toLowerCase(Locale.ROOT)) || uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw VirtdeckException.invalid("url", (url == null ? "url is required: an" : "url must be an")
                    + " http:// or https:// address with a host, such as https://chat.example.com/hooks/virtdeck"
                    + " (no user name or password in it).");
        }
        String key = blankToNull(request.key());
        if (key == null && (existing == null || !existing.secretSet())) {
            throw VirtdeckException.invalid("key", "key is required: the signing key the receiver checks"
                    + " X-Virtdeck-Signature with, at least " + MIN_KEY + " characters.");
        }
        if (key != null && key.length() < MIN_KEY) {
            throw VirtdeckException.invalid("key", "key must be at least " + MIN_KEY + " characters.");
        }
        return new Checked(name, AlertTarget.Kind.WEBHOOK, Map.of("url", url), key, false);
    }

    private static String address(String field, String given) {
        String value = blankToNull(given);
        if (value == null) {
            throw VirtdeckException.invalid(field, field + " is required: a mail address such as"
                    + " virtdeck@example.com.");
        }
        try {
            InternetAddress address = new InternetAddress(value, true);
            if (!address.getAddress().contains("@")) {
                throw new AddressException("no @ in it");
            }
            return address.toString();
        } catch (AddressException e) {
            throw VirtdeckException.invalid(field, field + " is not a mail address: '" + value + "'.");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}

package io.virtdeck.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.Role;
import io.virtdeck.core.VirtdeckException;

/**
 * API tokens for scripts: each made by a user for themself, with at most the role they act with and an expiry.
 * The secret is 256 random bits shown once; only its SHA-256 is kept, which is enough for a secret that cannot be
 * guessed (no slow hash needed, and every API call can afford the check).
 */
@Service
public class ApiTokenService {

    static final String PREFIX = "vdt_";
    static final int MAX_DAYS = 365;
    /** Last use is written at most this often per token: a busy script must not turn every call into a write. */
    static final Duration LAST_USE_PRECISION = Duration.ofMinutes(1);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiTokenRepository tokens;
    private final AccountService account;
    private final ActionRunner actions;
    private final Clock clock = Clock.systemUTC();

    ApiTokenService(ApiTokenRepository tokens, AccountService account, ActionRunner actions) {
        this.tokens = tokens;
        this.account = account;
        this.actions = actions;
    }

    /** {@code role} and {@code expiresAt} as text, so that a wrong value is a 400 naming its field. */
    public record NewToken(String name, String role, String expiresAt, Integer expiresInDays) {
    }

    @PreAuthorize(Access.SIGNED_IN)
    public ApiToken.Created create(NewToken request) {
        UserAccount user = account.current();
        String name = request.name() == null ? "" : request.name().trim();
        return actions.plan(AuditAction.TOKEN_CREATE, new AuditObject("token", null, name)).run(() -> {
            if (name.isEmpty() || name.length() > 64) {
                throw VirtdeckException.invalid("name", "name must be 1 to 64 characters.");
            }
            Role acting = CurrentUser.role().orElseThrow();
            Role role = request.role() == null || request.role().isBlank() ? acting
                    : Role.parse("role", request.role());
            if (!acting.includes(role)) {
                throw VirtdeckException.invalid("role", "role must be one your own role " + acting + " includes: "
                        + acting.included() + ".");
            }
            Instant expiresAt = expiry(request);
            String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes());
            long id = tokens.insert(user.id(), name, sha256(secret), role, expiresAt);
            return Done.of(new ApiToken.Created(id, name, role, expiresAt, secret), "role " + role + ", expires "
                    + expiresAt).about(token(id, name));
        });
    }

    @PreAuthorize(Access.SIGNED_IN)
    public List<ApiToken> mine() {
        return tokens.findByUser(account.current().id());
    }

    /** Revoking someone else's token, or one that does not exist, is the same 404: ids say nothing about others. */
    @PreAuthorize(Access.SIGNED_IN)
    public void revoke(long id) {
        UserAccount user = account.current();
        ApiToken token = tokens.find(user.id(), id)
                .orElseThrow(() -> VirtdeckException.notFound("You have no API token " + id + "."));
        if (token.revokedAt() == null) {
            actions.plan(AuditAction.TOKEN_REVOKE, token(id, token.name())).execute(() -> tokens.revoke(user.id(), id));
        }
    }

    /**
     * The request's identity for a presented secret, or empty when the token is unknown, expired, revoked, or its user
     * is disabled. A user demoted since the token was made gets the narrower of the two roles, or nothing when the
     * two are not comparable.
     */
    public Optional<ApiTokenAuthentication> authenticate(String secret, String address) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return tokens.findBySecret(sha256(secret))
                .filter(t -> !t.revoked() && t.expiresAt().isAfter(now) && t.userEnabled())
                .flatMap(t -> effectiveRole(t).map(role -> {
                    if (t.lastUsedAt() == null || t.lastUsedAt().isBefore(now.minus(LAST_USE_PRECISION))) {
                        tokens.recordUse(t.tokenId(), address);
                    }
                    return new ApiTokenAuthentication(t.username(), t.tokenId(), role);
                }));
    }

    private static Optional<Role> effectiveRole(ApiTokenRepository.Holder token) {
        if (token.userRole().includes(token.tokenRole())) {
            return Optional.of(token.tokenRole());
        }
        return token.tokenRole().includes(token.userRole()) ? Optional.of(token.userRole()) : Optional.empty();
    }

    private Instant expiry(NewToken request) {
        Instant now = clock.instant();
        if (request.expiresInDays() != null) {
            if (request.expiresInDays() < 1 || request.expiresInDays() > MAX_DAYS) {
                throw VirtdeckException.invalid("expiresInDays", "expiresInDays must be between 1 and " + MAX_DAYS + ".");
            }
            return now.plus(request.expiresInDays(), ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        }
        if (request.expiresAt() == null || request.expiresAt().isBlank()) {
            throw VirtdeckException.invalid("expiresInDays", "Give the token an expiry: expiresInDays or expiresAt.");
        }
        Instant at;
        try {
            at = Instant.parse(request.expiresAt().trim());
        } catch (DateTimeParseException e) {
            throw VirtdeckException.invalid("expiresAt", "expiresAt must be an ISO-8601 UTC time, e.g. "
                    + "2027-01-31T00:00:00Z.");
        }
        if (!at.isAfter(now) || at.isAfter(now.plus(MAX_DAYS, ChronoUnit.DAYS))) {
            throw VirtdeckException.invalid("expiresAt", "expiresAt must be in the future, at most " + MAX_DAYS
                    + " days away.");
        }
        return at;
    }

    private static AuditObject token(long id, String name) {
        return new AuditObject("token", Long.toString(id), name);
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}

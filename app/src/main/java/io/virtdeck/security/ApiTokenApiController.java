package io.virtdeck.security;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** One's own API tokens: made, listed (never with the secret), revoked. */
@RestController
class ApiTokenApiController {

    private final ApiTokenService tokens;

    ApiTokenApiController(ApiTokenService tokens) {
        this.tokens = tokens;
    }

    @GetMapping("/api/v1/me/tokens")
    List<ApiToken> list() {
        return tokens.mine();
    }

    /** {@code {"name","role"?,"expiresAt" or "expiresInDays"}} -> 201 with {@code "token"}, shown this once. */
    @PostMapping("/api/v1/me/tokens")
    ResponseEntity<ApiToken.Created> create(@RequestBody ApiTokenService.NewToken request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(tokens.create(request));
    }

    @DeleteMapping("/api/v1/me/tokens/{id}")
    ResponseEntity<Void> revoke(@PathVariable long id) {
        tokens.revoke(id);
        return ResponseEntity.noContent().build();
    }
}

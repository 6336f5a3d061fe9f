package io.virtdeck.security;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Users (ADMIN) and one's own account (everyone). */
@RestController
class UserApiController {

    private final UserAdminService admin;
    private final AccountService account;

    UserApiController(UserAdminService admin, AccountService account) {
        this.admin = admin;
        this.account = account;
    }

    @GetMapping("/api/v1/users")
    List<UserAccount.View> users() {
        return admin.users();
    }

    @PostMapping("/api/v1/users")
    ResponseEntity<UserAccount.View> create(@RequestBody UserAdminService.NewUser request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(admin.create(request));
    }

    @GetMapping("/api/v1/users/{id}")
    UserAccount.View user(@PathVariable long id) {
        return admin.user(id);
    }

    /** {@code {"enabled"?, "role"?}}: a disabled user's sessions and tokens stop working at once. */
    @PatchMapping("/api/v1/users/{id}")
    UserAccount.View update(@PathVariable long id, @RequestBody UserAdminService.UserChange change) {
        return admin.update(id, change);
    }

    record NewPassword(String password) {
    }

    @PostMapping("/api/v1/users/{id}/password")
    ResponseEntity<Void> resetPassword(@PathVariable long id, @RequestBody NewPassword request) {
        admin.resetPassword(id, request.password());
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/v1/me")
    UserAccount.View me() {
        return account.me();
    }

    record PasswordChange(String currentPassword, String newPassword) {
    }

    @PostMapping("/api/v1/me/password")
    ResponseEntity<Void> changePassword(@RequestBody PasswordChange request) {
        account.changePassword(request.currentPassword(), request.newPassword());
        return ResponseEntity.noContent().build();
    }
}

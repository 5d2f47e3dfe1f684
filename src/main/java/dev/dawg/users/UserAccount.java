package dev.dawg.users;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import dev.dawg.users.Role;

/** An account as stored; the password hash never leaves the server (no response type carries it). */
public record UserAccount(UUID id, String email, String username, String displayName, String bio, String avatarUrl,
        String settingsJson, String passwordHash, Set<Role> roles, Instant createdAt, Instant updatedAt) {
}

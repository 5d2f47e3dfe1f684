package dev.dawg.users;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.dawg.users.Role;
import dev.dawg.platform.persistence.SqlErrors;
import dev.dawg.platform.web.ApiProblem;

/** The users table. */
@Repository
public class UserAccounts {

    private static final String COLUMNS = "id, email, username, display_name, bio, avatar_url, settings, password_hash, roles, created_at, updated_at";

    private final DatabaseClient db;

    UserAccounts(DatabaseClient db) {
        this.db = db;
    }

    /** Inserts an account; a taken email or username is a 409 naming the field. */
    public Mono<UserAccount> create(String email, String username, String displayName, String passwordHash, Set<Role> roles) {
        return db.sql("INSERT INTO users (email, username, display_name, password_hash, roles) VALUES (:email, :username, :displayName, :hash, :roles) RETURNING " + COLUMNS)
                .bind("email", email)
                .bind("username", username)
                .bind("displayName", displayName)
                .bind("hash", passwordHash)
                .bind("roles", roles.stream().map(Role::name).toArray(String[]::new))
                .map(MAPPER)
                .one()
                .onErrorMap(ex -> SqlErrors.uniqueViolation(ex).isPresent(), ex -> {
                    String constraint = SqlErrors.uniqueViolation(ex).orElse("");
                    String field = constraint.contains("email") ? "email" : "username";
                    return ApiProblem.conflict("This " + field + " is already taken").with("field", field);
                });
    }

    public Mono<UserAccount> findById(UUID id) {
        return db.sql("SELECT " + COLUMNS + " FROM users WHERE id = :id").bind("id", id).map(MAPPER).one();
    }

    /** By email or username, case-insensitively. */
    public Mono<UserAccount> findByLogin(String login) {
        return db.sql("SELECT " + COLUMNS + " FROM users WHERE lower(email) = lower(:login) OR lower(username) = lower(:login) LIMIT 1")
                .bind("login", login).map(MAPPER).one();
    }

    public Mono<UserAccount> findByUsername(String username) {
        return db.sql("SELECT " + COLUMNS + " FROM users WHERE lower(username) = lower(:username)")
                .bind("username", username).map(MAPPER).one();
    }

    /** Applies the given profile changes (column → value) and returns the updated account. */
    public Mono<UserAccount> updateProfile(UUID id, Map<String, Object> changes) {
        if (changes.isEmpty()) {
            return findById(id);
        }
        StringBuilder sql = new StringBuilder("UPDATE users SET updated_at = now()");
        changes.keySet().forEach(column -> sql.append(", ").append(column).append(" = :").append(column));
        sql.append(" WHERE id = :id RETURNING ").append(COLUMNS);
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql.toString()).bind("id", id);
        for (Map.Entry<String, Object> change : changes.entrySet()) {
            Object value = change.getValue();
            spec = value == null ? spec.bindNull(change.getKey(), String.class)
                    : spec.bind(change.getKey(), "settings".equals(change.getKey()) ? Json.of((String) value) : value);
        }
        return spec.map(MAPPER).one();
    }

    /** Username and display-name search, best match first. */
    public Flux<UserAccount> search(String query, int limit, int offset) {
        return db.sql("SELECT " + COLUMNS + " FROM users WHERE username ILIKE :pattern OR display_name ILIKE :pattern "
                        + "ORDER BY (lower(username) = lower(:query)) DESC, (username ILIKE :prefix) DESC, username LIMIT :limit OFFSET :offset")
                .bind("pattern", "%" + escapeLike(query) + "%")
                .bind("prefix", escapeLike(query) + "%")
                .bind("query", query)
                .bind("limit", limit)
                .bind("offset", offset)
                .map(MAPPER).all();
    }

    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static final Function<Readable, UserAccount> MAPPER = UserAccounts::map;

    private static UserAccount map(Readable row) {
        String[] roleNames = row.get("roles", String[].class);
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Arrays.stream(roleNames == null ? new String[0] : roleNames).forEach(name -> roles.add(Role.valueOf(name)));
        Json settings = row.get("settings", Json.class);
        return new UserAccount(row.get("id", UUID.class), row.get("email", String.class), row.get("username", String.class),
                row.get("display_name", String.class), row.get("bio", String.class), row.get("avatar_url", String.class),
                settings == null ? "{}" : settings.asString(), row.get("password_hash", String.class), roles,
                row.get("created_at", OffsetDateTime.class).toInstant(), row.get("updated_at", OffsetDateTime.class).toInstant());
    }
}

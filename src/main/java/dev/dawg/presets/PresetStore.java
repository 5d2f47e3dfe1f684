package dev.dawg.presets;

import java.util.List;
import java.util.UUID;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;

import dev.dawg.platform.persistence.SqlErrors;
import dev.dawg.platform.web.ApiProblem;

/**
 * The presets, preset_downloads and preset_ratings tables (V25). Each write is one statement, so nothing is half
 * written; the counters follow their rows through V25's triggers. A statement that counts a download or a rating
 * first takes the preset row's lock, the lock its trigger needs anyway, so it never waits for the preset while holding
 * a rating row that a deletion of the preset is about to take.
 */
@Repository
class PresetStore {

    /** Presets one user may own. */
    static final int MAX_PRESETS_PER_USER = 1000;

    /** The data as the SQL stores it: the client's text, kept as json (V20's dawg_document refuses what jsonb refuses). */
    private static final String DOCUMENT = "dawg_document(:data)";

    private final DatabaseClient db;

    PresetStore(DatabaseClient db) {
        this.db = db;
    }

    /** Creates the preset; empty when its owner already has {@link #MAX_PRESETS_PER_USER}. */
    Mono<Preset> create(UUID ownerId, PresetInput.Draft draft) {
        GenericExecuteSpec spec = db.sql("WITH p AS (INSERT INTO presets (owner_id, name, preset_type, engine, category, genre, tags, "
                        + "description, is_public, data, size_bytes) SELECT :owner, :name, :type, :engine, :category, :genre, :tags, "
                        + ":description, :isPublic, " + DOCUMENT + ", :size "
                        + "WHERE (SELECT count(*) FROM presets WHERE owner_id = :owner) < :maxPresets RETURNING *) "
                        + "SELECT " + Preset.COLUMNS + " FROM p JOIN users u ON u.id = p.owner_id")
                .bind("owner", ownerId)
                .bind("name", draft.name())
                .bind("type", draft.type().wireName())
                .bind("engine", draft.engine())
                .bind("category", draft.category())
                .bind("tags", draft.tags().toArray(String[]::new))
                .bind("description", draft.description())
                .bind("isPublic", draft.isPublic())
                .bind("data", draft.data())
                .bind("size", draft.sizeBytes())
                .bind("maxPresets", MAX_PRESETS_PER_USER);
        spec = draft.genre() == null ? spec.bindNull("genre", String.class) : spec.bind("genre", draft.genre());
        return written(spec).map(preset -> preset.withData(draft.data()));
    }

    /** The preset with its data and {@code callerId}'s rating of it, whoever may read it (the caller decides). */
    Mono<Preset> find(UUID id, UUID callerId) {
        return db.sql("SELECT " + Preset.COLUMNS_WITH_DATA + ", (SELECT r.rating FROM preset_ratings r WHERE r.preset_id = p.id "
                        + "AND r.user_id = :caller) AS my_rating" + Preset.FROM + " WHERE p.id = :id")
                .bind("id", id)
                .bind("caller", callerId == null ? new UUID(0, 0) : callerId)
                .map(row -> {
                    Number rating = row.get("my_rating", Number.class);
                    return Preset.from(row, true).withMyRating(rating == null ? null : rating.intValue());
                })
                .one();
    }

    /** The preset without its data. */
    Mono<Preset> findSummary(UUID id) {
        return db.sql("SELECT " + Preset.COLUMNS + Preset.FROM + " WHERE p.id = :id").bind("id", id)
                .map(row -> Preset.from(row, false)).one();
    }

    Flux<Preset> list(PresetQuery query, int limit) {
        return query.bind(db.sql(query.sql())).bind("limit", limit).map(row -> Preset.from(row, false)).all();
    }

    /** A page by position of {@code query} (see {@link PresetQuery#listing}). */
    Flux<Preset> page(PresetQuery query, int limit, int offset) {
        return query.bind(db.sql(query.offsetSql())).bind("limit", limit).bind("offset", offset).map(row -> Preset.from(row, false)).all();
    }

    Mono<Long> count(PresetQuery query) {
        return query.bind(db.sql(query.countSql())).map(row -> row.get("total", Long.class)).one();
    }

    /**
     * A page of the presets {@code userId} downloaded that they may still read, the latest download first, with their
     * data; each row also says how many there are in all.
     */
    Flux<Counted> downloaded(UUID userId, PresetType type, String engine, int limit, int offset) {
        GenericExecuteSpec spec = db.sql("SELECT " + Preset.COLUMNS_WITH_DATA + ", count(*) OVER () AS total" + Preset.FROM
                        + " JOIN preset_downloads d ON d.preset_id = p.id AND d.user_id = :user WHERE (p.is_public OR p.owner_id = :user)"
                        + (type == null ? "" : " AND p.preset_type = :type") + (engine == null ? "" : " AND lower(p.engine) = lower(:engine)")
                        + " ORDER BY d.created_at DESC, p.id DESC LIMIT :limit OFFSET :offset")
                .bind("user", userId).bind("limit", limit).bind("offset", offset);
        if (type != null) {
            spec = spec.bind("type", type.wireName());
        }
        if (engine != null) {
            spec = spec.bind("engine", engine);
        }
        return spec.map(row -> new Counted(Preset.from(row, true), row.get("total", Long.class))).all();
    }

    /** A preset of a page, and how many the page's list holds in all. */
    record Counted(Preset preset, long total) {
    }

    /**
     * Writes the members {@code change} names (and only those, so concurrent changes of different members both land)
     * on the owner's preset; empty when it is not the owner's or is gone. Making a preset private takes it off the
     * featured shelf.
     */
    Mono<Preset> change(UUID id, UUID ownerId, PresetInput.Change change) {
        StringBuilder set = new StringBuilder("updated_at = clock_timestamp()");
        if (change.name() != null) {
            set.append(", name = :name");
        }
        if (change.category() != null) {
            set.append(", category = :category");
        }
        if (change.genreNamed()) {
            set.append(", genre = :genre");
        }
        if (change.tags() != null) {
            set.append(", tags = :tags");
        }
        if (change.description() != null) {
            set.append(", description = :description");
        }
        if (change.isPublic() != null) {
            set.append(", is_public = :isPublic, featured_at = CASE WHEN :isPublic THEN featured_at END");
        }
        if (change.data() != null) {
            set.append(", data = ").append(DOCUMENT).append(", size_bytes = :size");
        }
        GenericExecuteSpec spec = db.sql("WITH p AS (UPDATE presets SET " + set + " WHERE id = :id AND owner_id = :owner RETURNING *) "
                        + "SELECT " + Preset.COLUMNS_WITH_DATA + " FROM p JOIN users u ON u.id = p.owner_id")
                .bind("id", id)
                .bind("owner", ownerId);
        if (change.name() != null) {
            spec = spec.bind("name", change.name());
        }
        if (change.category() != null) {
            spec = spec.bind("category", change.category());
        }
        if (change.genreNamed()) {
            spec = change.genre() == null ? spec.bindNull("genre", String.class) : spec.bind("genre", change.genre());
        }
        if (change.tags() != null) {
            spec = spec.bind("tags", change.tags().toArray(String[]::new));
        }
        if (change.description() != null) {
            spec = spec.bind("description", change.description());
        }
        if (change.isPublic() != null) {
            spec = spec.bind("isPublic", change.isPublic());
        }
        if (change.data() != null) {
            spec = spec.bind("data", change.data()).bind("size", change.sizeBytes());
        }
        GenericExecuteSpec statement = spec;
        return statement.map(row -> Preset.from(row, true)).one()
                .onErrorMap(SqlErrors::isRefusedJson, PresetStore::unstorableData)
                // The statement's snapshot shows the data as it was before: answer what was written.
                .map(preset -> change.data() == null ? preset : preset.withData(change.data()));
    }

    Mono<Boolean> delete(UUID id) {
        return db.sql("DELETE FROM presets WHERE id = :id").bind("id", id).fetch().rowsUpdated().map(count -> count > 0);
    }

    /**
     * Counts {@code userId}'s download of a preset they may read (public, or their own), at most once per user; the
     * preset with its data, and whether this call counted; empty when there is no such preset.
     */
    Mono<Download> download(UUID id, UUID userId) {
        return db.sql("WITH target AS (SELECT id FROM presets WHERE id = :id AND (is_public OR owner_id = :user) FOR NO KEY UPDATE), "
                        + "counted AS (INSERT INTO preset_downloads (preset_id, user_id) SELECT id, :user FROM target "
                        + "ON CONFLICT DO NOTHING RETURNING 1) "
                        + "SELECT " + Preset.COLUMNS_WITH_DATA + ", (SELECT count(*) FROM counted) AS counted" + Preset.FROM
                        + " JOIN target t ON t.id = p.id")
                .bind("id", id)
                .bind("user", userId)
                .map(row -> {
                    boolean counted = row.get("counted", Long.class) > 0;
                    Preset preset = Preset.from(row, true);
                    // The counter moved in this statement, after its snapshot was taken.
                    return new Download(counted ? preset.withDownloadCount(preset.downloadCount() + 1) : preset, counted);
                })
                .one();
    }

    /** A download: the preset, and whether this one was counted (a user's first). */
    record Download(Preset preset, boolean counted) {
    }

    /** A preset's ratings after a change: the caller's (null when removed), and the exact count and average. */
    record Rating(Integer rating, long ratingCount, double ratingAverage) {
    }

    /**
     * Sets {@code userId}'s rating of a public preset that is not their own (a second rating replaces the first); empty
     * when there is no such preset.
     */
    Mono<Integer> rate(UUID id, UUID userId, int rating) {
        return db.sql("WITH target AS (SELECT id FROM presets WHERE id = :id AND is_public AND owner_id <> :user FOR NO KEY UPDATE) "
                        + "INSERT INTO preset_ratings (preset_id, user_id, rating) SELECT id, :user, :rating FROM target "
                        + "ON CONFLICT (preset_id, user_id) DO UPDATE SET rating = EXCLUDED.rating, updated_at = now() RETURNING rating")
                .bind("id", id)
                .bind("user", userId)
                .bind("rating", (short) rating)
                .map(row -> row.get("rating", Number.class).intValue())
                .one();
    }

    /** Removes {@code userId}'s rating; whether there was one. */
    Mono<Boolean> unrate(UUID id, UUID userId) {
        return db.sql("WITH target AS (SELECT id FROM presets WHERE id = :id FOR NO KEY UPDATE) "
                        + "DELETE FROM preset_ratings r USING target t WHERE r.preset_id = t.id AND r.user_id = :user")
                .bind("id", id)
                .bind("user", userId)
                .fetch().rowsUpdated().map(count -> count > 0);
    }

    /** The count and average as committed now. */
    Mono<Rating> ratings(UUID id, Integer callersRating) {
        return db.sql("SELECT rating_count, rating_average FROM presets WHERE id = :id").bind("id", id)
                .map(row -> new Rating(callersRating, row.get("rating_count", Number.class).longValue(), row.get("rating_average", Double.class)))
                .one();
    }

    /** Features a public preset (keeping the first time it was featured) or takes it off the shelf; empty when gone. */
    Mono<Preset> feature(UUID id, boolean featured) {
        String set = featured ? "featured_at = coalesce(featured_at, clock_timestamp())" : "featured_at = NULL";
        return db.sql("WITH p AS (UPDATE presets SET " + set + " WHERE id = :id" + (featured ? " AND is_public" : "") + " RETURNING *) "
                        + "SELECT " + Preset.COLUMNS + " FROM p JOIN users u ON u.id = p.owner_id")
                .bind("id", id)
                .map(row -> Preset.from(row, false)).one();
    }

    private static Mono<Preset> written(GenericExecuteSpec spec) {
        return spec.map(row -> Preset.from(row, false)).one()
                .onErrorMap(SqlErrors::isRefusedJson, PresetStore::unstorableData)
                .switchIfEmpty(Mono.error(() -> ApiProblem.of(HttpStatus.CONFLICT, "QUOTA_EXCEEDED", "You already own "
                        + MAX_PRESETS_PER_USER + " presets, the most one account keeps; delete some to add others")
                        .with("limit", MAX_PRESETS_PER_USER)));
    }

    private static ApiProblem unstorableData(Throwable refused) {
        return ApiProblem.malformed("data holds a value that cannot be stored as JSON: an unpaired surrogate escape "
                + "(such as \\ud800) or a number out of range (such as 1e999999999)")
                .with("errors", List.of(new ApiProblem.FieldError("data", "holds a value that cannot be stored")));
    }
}

package dev.dawg.assets.system;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.UUID;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;

/**
 * The SQL of the library's categories, packs and sample metadata. Each write is one statement, so a change is
 * either all there or not at all; lists are bounded by their callers.
 */
@Component
class SystemLibraryStore {

    /** Categories and packs an administrator may create at most: the library is a catalogue, not a dump. */
    static final int MAX_CATEGORIES = 200;
    static final int MAX_PACKS = 2000;

    /** Which samples a list shows: a category slug and a pack (either may be null); inactive ones only when asked. */
    record SampleFilter(String category, UUID pack, Boolean featured, boolean withInactive) {
    }

    private final DatabaseClient db;

    SystemLibraryStore(DatabaseClient db) {
        this.db = db;
    }

    // ---- samples

    Flux<SystemSample> samples(SampleFilter filter, int limit, int offset) {
        return bindFilter(db.sql("SELECT " + SystemSample.COLUMNS + SystemSample.FROM + where(filter)
                + " ORDER BY c.sort_order, a.category, lower(coalesce(s.name, a.filename)), a.id LIMIT :limit OFFSET :offset"), filter)
                .bind("limit", limit).bind("offset", offset)
                .map(SystemSample::from).all();
    }

    Mono<Long> countSamples(SampleFilter filter) {
        return bindFilter(db.sql("SELECT count(*)" + SystemSample.FROM + where(filter)), filter).map(row -> row.get(0, Long.class)).one();
    }

    private static String where(SampleFilter filter) {
        return " WHERE " + SystemSample.IS_SYSTEM
                + (filter.category() == null ? "" : " AND a.category = :category ")
                + (filter.pack() == null ? "" : " AND s.pack_id = :pack ")
                + (filter.featured() == null ? "" : " AND coalesce(s.is_featured, false) = :featured ")
                + (filter.withInactive() ? "" : " AND coalesce(s.is_active, true) ");
    }

    private static DatabaseClient.GenericExecuteSpec bindFilter(DatabaseClient.GenericExecuteSpec spec, SampleFilter filter) {
        if (filter.category() != null) {
            spec = spec.bind("category", filter.category());
        }
        if (filter.pack() != null) {
            spec = spec.bind("pack", filter.pack());
        }
        if (filter.featured() != null) {
            spec = spec.bind("featured", filter.featured());
        }
        return spec;
    }

    Mono<SystemSample> sample(UUID id) {
        return db.sql("SELECT " + SystemSample.COLUMNS + SystemSample.FROM + " WHERE a.id = :id AND " + SystemSample.IS_SYSTEM)
                .bind("id", id).map(SystemSample::from).one();
    }

    /**
     * Records a change of a sample's metadata in one statement (its category on the asset, the rest in its
     * {@code system_samples} row, created on its first change). Empty when there is no such library sample.
     */
    Mono<UUID> describe(UUID id, Changes.Sample change) {
        List<String> columns = new ArrayList<>(List.of("asset_id", "name"));
        List<String> values = new ArrayList<>(List.of("a.id", change.name() == null ? SystemSample.DEFAULT_NAME : ":name"));
        addColumn(columns, values, "description", change.description(), ":description");
        addColumn(columns, values, "bpm", change.bpm(), ":bpm");
        addColumn(columns, values, "key_signature", change.key(), ":key");
        addColumn(columns, values, "tags", change.tags(), ":tags");
        addColumn(columns, values, "pack_id", change.pack(), ":pack");
        addColumn(columns, values, "is_premium", change.premium(), ":premium");
        addColumn(columns, values, "is_featured", change.featured(), ":featured");
        addColumn(columns, values, "is_active", change.active(), ":active");
        StringJoiner updates = new StringJoiner(", ", " DO UPDATE SET ", "").add("updated_at = now()");
        columns.stream().skip(change.name() == null ? 2 : 1).forEach(column -> updates.add(column + " = excluded." + column));
        String moved = change.category() == null ? "" : ", moved AS (UPDATE assets SET category = :category WHERE id = :id RETURNING id) ";
        DatabaseClient.GenericExecuteSpec spec = db.sql("WITH a AS (SELECT id, filename FROM assets a WHERE a.id = :id AND " + SystemSample.IS_SYSTEM
                        + " FOR UPDATE) " + moved + "INSERT INTO system_samples AS s (" + String.join(", ", columns) + ") SELECT "
                        + String.join(", ", values) + " FROM a ON CONFLICT (asset_id)" + updates + " RETURNING s.asset_id")
                .bind("id", id);
        spec = bindIf(spec, "name", change.name(), String.class);
        spec = bindIf(spec, "description", change.description(), String.class);
        spec = bindIf(spec, "bpm", change.bpm(), Integer.class);
        spec = bindIf(spec, "key", change.key(), String.class);
        spec = bindIf(spec, "tags", change.tags() == null ? null : change.tags().toArray(String[]::new), String[].class);
        spec = bindIf(spec, "pack", change.pack(), UUID.class);
        spec = bindIf(spec, "premium", change.premium(), Boolean.class);
        spec = bindIf(spec, "featured", change.featured(), Boolean.class);
        spec = bindIf(spec, "active", change.active(), Boolean.class);
        spec = bindIf(spec, "category", change.category(), String.class);
        return spec.map(row -> row.get(0, UUID.class)).one();
    }

    /** Removes a library sample's asset row (the V5 trigger queues its object for removal). False when there was none. */
    Mono<Boolean> removeSample(UUID id) {
        return db.sql("DELETE FROM assets a WHERE a.id = :id AND " + SystemSample.IS_SYSTEM).bind("id", id)
                .fetch().rowsUpdated().map(count -> count > 0);
    }

    /**
     * Counts one use of a sample, exactly: its total and the user's tally per kind of use grow in one statement.
     * {@code projectId} is kept only when it is one of the user's own projects. Empty when there is no such sample.
     */
    Mono<Long> countUse(UUID id, UUID userId, String usageType, UUID projectId) {
        return db.sql("WITH a AS (SELECT id, filename FROM assets a WHERE a.id = :id AND " + SystemSample.IS_SYSTEM + "), "
                        + "counted AS (INSERT INTO system_samples AS s (asset_id, name, usage_count, last_used_at) "
                        + "  SELECT a.id, " + SystemSample.DEFAULT_NAME + ", 1, now() FROM a ON CONFLICT (asset_id) DO UPDATE "
                        + "  SET usage_count = s.usage_count + 1, last_used_at = now() RETURNING s.asset_id, s.usage_count), "
                        + "tally AS (INSERT INTO system_sample_usage AS u (asset_id, user_id, usage_type, project_id) "
                        + "  SELECT counted.asset_id, :user, :type, (SELECT id FROM projects WHERE id = :project AND owner_id = :user) FROM counted "
                        + "  ON CONFLICT (asset_id, user_id, usage_type) DO UPDATE SET usage_count = u.usage_count + 1, last_used_at = now(), "
                        + "  project_id = coalesce(excluded.project_id, u.project_id)) "
                        + "SELECT usage_count FROM counted")
                .bind("id", id).bind("user", userId).bind("type", usageType)
                .bind("project", Parameter.fromOrEmpty(projectId, UUID.class))
                .map(row -> row.get(0, Long.class)).one();
    }

    // ---- categories

    Flux<Category> categories() {
        return db.sql("SELECT " + Category.COLUMNS + " FROM system_categories c ORDER BY c.sort_order, c.name, c.id LIMIT " + MAX_CATEGORIES)
                .map(Category::from).all();
    }

    Mono<Category> category(UUID id) {
        return db.sql("SELECT " + Category.COLUMNS + " FROM system_categories c WHERE c.id = :id").bind("id", id).map(Category::from).one();
    }

    Mono<Category> categoryBySlug(String slug) {
        return db.sql("SELECT " + Category.COLUMNS + " FROM system_categories c WHERE c.slug = :slug").bind("slug", slug)
                .map(Category::from).one();
    }

    /** Empty when the library already has {@link #MAX_CATEGORIES}. */
    Mono<UUID> createCategory(Changes.Category change) {
        return db.sql("INSERT INTO system_categories (slug, name, description, sort_order) SELECT :slug, :name, :description, :sortOrder "
                        + "WHERE (SELECT count(*) FROM system_categories) < " + MAX_CATEGORIES + " RETURNING id")
                .bind("slug", change.slug()).bind("name", change.name())
                .bind("description", Parameter.fromOrEmpty(change.description() == null ? null : change.description().orElse(null), String.class))
                .bind("sortOrder", change.sortOrder() == null ? 0 : change.sortOrder())
                .map(row -> row.get(0, UUID.class)).one();
    }

    Mono<UUID> updateCategory(UUID id, Changes.Category change) {
        StringJoiner set = new StringJoiner(", ").add("updated_at = now()");
        if (change.slug() != null) {
            set.add("slug = :slug");
        }
        if (change.name() != null) {
            set.add("name = :name");
        }
        if (change.description() != null) {
            set.add("description = :description");
        }
        if (change.sortOrder() != null) {
            set.add("sort_order = :sortOrder");
        }
        DatabaseClient.GenericExecuteSpec spec = db.sql("UPDATE system_categories SET " + set + " WHERE id = :id RETURNING id").bind("id", id);
        spec = bindIf(spec, "slug", change.slug(), String.class);
        spec = bindIf(spec, "name", change.name(), String.class);
        spec = bindIf(spec, "description", change.description(), String.class);
        spec = bindIf(spec, "sortOrder", change.sortOrder(), Integer.class);
        return spec.map(row -> row.get(0, UUID.class)).one();
    }

    Mono<Boolean> deleteCategory(UUID id) {
        return db.sql("DELETE FROM system_categories WHERE id = :id").bind("id", id).fetch().rowsUpdated().map(count -> count > 0);
    }

    // ---- packs

    Flux<Pack> packs(boolean withInactive, int limit, int offset) {
        return db.sql("SELECT " + Pack.COLUMNS + " FROM system_packs p " + (withInactive ? "" : "WHERE p.is_active ")
                        + "ORDER BY lower(p.name), p.id LIMIT :limit OFFSET :offset")
                .bind("limit", limit).bind("offset", offset).map(Pack::from).all();
    }

    Mono<Long> countPacks(boolean withInactive) {
        return db.sql("SELECT count(*) FROM system_packs p " + (withInactive ? "" : "WHERE p.is_active")).map(row -> row.get(0, Long.class)).one();
    }

    Mono<Pack> pack(UUID id) {
        return db.sql("SELECT " + Pack.COLUMNS + " FROM system_packs p WHERE p.id = :id").bind("id", id).map(Pack::from).one();
    }

    /** Empty when the library already has {@link #MAX_PACKS}. */
    Mono<UUID> createPack(Changes.Pack change) {
        return db.sql("INSERT INTO system_packs (slug, name, description, category_id, tags, is_active, is_featured) "
                        + "SELECT :slug, :name, :description, :category, :tags, :active, :featured "
                        + "WHERE (SELECT count(*) FROM system_packs) < " + MAX_PACKS + " RETURNING id")
                .bind("slug", change.slug()).bind("name", change.name())
                .bind("description", Parameter.fromOrEmpty(orNull(change.description()), String.class))
                .bind("category", Parameter.fromOrEmpty(orNull(change.category()), UUID.class))
                .bind("tags", (change.tags() == null ? List.<String>of() : change.tags()).toArray(String[]::new))
                .bind("active", change.active() == null || change.active())
                .bind("featured", change.featured() != null && change.featured())
                .map(row -> row.get(0, UUID.class)).one();
    }

    Mono<UUID> updatePack(UUID id, Changes.Pack change) {
        StringJoiner set = new StringJoiner(", ").add("updated_at = now()");
        String[][] fields = { { "slug", "slug" }, { "name", "name" }, { "description", "description" }, { "category", "category_id" },
                { "tags", "tags" }, { "active", "is_active" }, { "featured", "is_featured" } };
        Object[] given = { change.slug(), change.name(), change.description(), change.category(), change.tags(), change.active(),
                change.featured() };
        for (int i = 0; i < fields.length; i++) {
            if (given[i] != null) {
                set.add(fields[i][1] + " = :" + fields[i][0]);
            }
        }
        DatabaseClient.GenericExecuteSpec spec = db.sql("UPDATE system_packs SET " + set + " WHERE id = :id RETURNING id").bind("id", id);
        spec = bindIf(spec, "slug", change.slug(), String.class);
        spec = bindIf(spec, "name", change.name(), String.class);
        spec = bindIf(spec, "description", change.description(), String.class);
        spec = bindIf(spec, "category", change.category(), UUID.class);
        spec = bindIf(spec, "tags", change.tags() == null ? null : change.tags().toArray(String[]::new), String[].class);
        spec = bindIf(spec, "active", change.active(), Boolean.class);
        spec = bindIf(spec, "featured", change.featured(), Boolean.class);
        return spec.map(row -> row.get(0, UUID.class)).one();
    }

    /** Deletes a pack; its samples stay in the library, in no pack. */
    Mono<Boolean> deletePack(UUID id) {
        return db.sql("DELETE FROM system_packs WHERE id = :id").bind("id", id).fetch().rowsUpdated().map(count -> count > 0);
    }

    // ---- binding

    private static void addColumn(List<String> columns, List<String> values, String column, Object given, String parameter) {
        if (given != null) {
            columns.add(column);
            values.add(parameter);
        }
    }

    /** Binds {@code value} when given: an Optional's content (empty binds SQL null), or the value itself. */
    private static DatabaseClient.GenericExecuteSpec bindIf(DatabaseClient.GenericExecuteSpec spec, String name, Object value, Class<?> type) {
        if (value == null) {
            return spec;
        }
        Object bound = value instanceof Optional<?> optional ? optional.orElse(null) : value;
        return spec.bind(name, Parameter.fromOrEmpty(bound, type));
    }

    private static <T> T orNull(Optional<T> value) {
        return value == null ? null : value.orElse(null);
    }
}

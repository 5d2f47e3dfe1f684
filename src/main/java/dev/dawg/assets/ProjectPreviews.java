package dev.dawg.assets;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.platform.persistence.SqlErrors;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.sharing.ProjectAccess.Grant;

/**
 * A project's rendered preview (issue 17): the audio a listener hears before opening the project. It is an asset,
 * uploaded for the project (then owned: replacing or removing the preview deletes it) or one of the caller's own
 * assets named by reference (left where it is). It is heard through the project's access rule, whatever the asset's
 * own place, and is not a project change: no version, no history entry.
 */
@Component
public class ProjectPreviews {

    private static final Logger log = LoggerFactory.getLogger(ProjectPreviews.class);
    /** Longer than any song a DAW renders, and the column's bound. */
    private static final double MAX_SECONDS = 86_400;

    private final DatabaseClient db;
    private final StreamedUploads uploads;
    private final AssetStore assets;
    private final AssetHandler files;
    private final TransactionalOperator transactions;

    ProjectPreviews(DatabaseClient db, StreamedUploads uploads, AssetStore assets, AssetHandler files, TransactionalOperator transactions) {
        this.db = db;
        this.transactions = transactions;
        this.uploads = uploads;
        this.assets = assets;
        this.files = files;
    }

    /** A project's preview: its audio's facts and when it was set. */
    public record Preview(UUID projectId, Asset asset, double durationSeconds, Instant renderedAt) {

        /** The native view; {@code contentUrl} plays it under the project's access rule. */
        public Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("projectId", projectId);
            view.put("assetId", asset.id());
            view.put("status", "ready");
            view.put("durationSeconds", durationSeconds);
            view.put("renderedAt", renderedAt);
            view.put("contentType", asset.contentType());
            view.put("sizeBytes", asset.sizeBytes());
            view.put("contentUrl", "/api/projects/" + projectId + "/preview/content");
            return view;
        }
    }

    /**
     * Streams the multipart body's {@code file} into the project (checked and counted like any of its assets) and
     * makes it the preview; {@code durationField} names the optional form field holding its length in seconds. Any
     * refusal after the file is stored deletes it again.
     */
    public Mono<Preview> upload(ServerRequest request, Grant grant, String durationField) {
        return uploads.uploadPreview(request, grant).flatMap(stored -> Mono.fromCallable(() -> seconds(stored.fields().get(durationField), durationField))
                .flatMap(declared -> set(grant.projectId(), stored.asset(), true, declared.doubleValue()))
                .onErrorResume(failure -> files.delete(stored.asset().id())
                        .onErrorResume(ex -> {
                            log.warn("Could not delete refused preview {}: {}", stored.asset().id(), ex.toString());
                            return Mono.empty();
                        })
                        .then(Mono.error(failure))));
    }

    /** Makes an asset the preview: one of this project's, or one of the caller's own library. */
    public Mono<Preview> reference(Grant grant, UUID assetId, Double declaredSeconds) {
        return referable(grant, assetId, "assetId").flatMap(asset -> reference(grant, asset, declaredSeconds));
    }

    /** The same with an asset {@link #referable} answered. */
    public Mono<Preview> reference(Grant grant, Asset asset, Double declaredSeconds) {
        return set(grant.projectId(), asset, false, declaredSeconds == null ? 0 : declaredSeconds);
    }

    /** The asset, when the caller may make it the project's preview (a 400 naming {@code field} otherwise); nothing is written. */
    public Mono<Asset> referable(Grant grant, UUID assetId, String field) {
        return assets.findWithProject(assetId, null)
                .map(AssetStore.AssetWithProject::asset)
                .filter(asset -> grant.projectId().equals(asset.projectId())
                        || asset.inPersonalLibrary() && grant.user().id().equals(asset.ownerId()))
                .switchIfEmpty(Mono.error(() -> ApiProblem.validation(field, "must name an audio file of this project or of your own library")));
    }

    /** The project's preview; empty when it has none. Call after the caller's read access is checked. */
    public Mono<Preview> find(UUID projectId) {
        return db.sql(SELECT + " WHERE pp.project_id = :project").bind("project", projectId).map(ProjectPreviews::preview).one();
    }

    /** The previews of the projects named, by project id (one query; projects without one are absent). */
    public Mono<Map<UUID, Preview>> findAll(Collection<UUID> projectIds) {
        if (projectIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return db.sql(SELECT + " WHERE pp.project_id = ANY(:projects)")
                .bind("projects", projectIds.toArray(UUID[]::new))
                .map(ProjectPreviews::preview).all()
                .collectMap(Preview::projectId);
    }

    /** Removes the preview (and its audio, when it was uploaded as the preview); false when there was none. */
    public Mono<Boolean> remove(Grant grant) {
        return db.sql("DELETE FROM project_previews WHERE project_id = :project RETURNING asset_id, owned")
                .bind("project", grant.projectId())
                .map(row -> Boolean.TRUE.equals(row.get("owned", Boolean.class)) ? row.get("asset_id", UUID.class) : NOT_OWNED)
                .one()
                .flatMap(assetId -> assetId == NOT_OWNED ? Mono.just(true) : files.delete(assetId).thenReturn(true))
                .defaultIfEmpty(false);
    }

    /** The preview's audio, with ranges, under the project's grant (already checked); 404 when there is none. */
    public Mono<ServerResponse> content(ServerRequest request, Grant grant) {
        return find(grant.projectId()).switchIfEmpty(Mono.error(ProjectPreviews::notFound)).flatMap(preview -> files.bytes(request, preview.asset()));
    }

    static ApiProblem notFound() {
        return ApiProblem.notFound("This project has no preview");
    }

    /** A duration sent as a JSON member: null when absent or null, else a number of seconds in range (a 400 naming {@code field}). */
    public static Double seconds(JsonNode value, String field) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw ApiProblem.validation(field, "must be a number of seconds");
        }
        return seconds(value.asString(), field);
    }

    /** The seconds a client declared, or 0 when it sent none; the stored file's own duration wins when it has one. */
    public static double seconds(String text, String field) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            double seconds = Double.parseDouble(text.strip());
            if (seconds >= 0 && seconds <= MAX_SECONDS) {
                return seconds;
            }
        }
        catch (NumberFormatException ex) {
            // refused below
        }
        throw ApiProblem.validation(field, "must be the preview's length in seconds, from 0 to " + (long) MAX_SECONDS);
    }

    private static final UUID NOT_OWNED = new UUID(0, 0);

    private static final String SELECT = "SELECT pp.project_id, pp.duration_seconds, pp.rendered_at, " + Asset.COLUMNS
            + " FROM project_previews pp JOIN assets a ON a.id = pp.asset_id";

    private static Preview preview(io.r2dbc.spi.Readable row) {
        return new Preview(row.get("project_id", UUID.class), Asset.from(row), row.get("duration_seconds", Double.class),
                row.get("rendered_at", OffsetDateTime.class).toInstant());
    }

    /**
     * Sets the preview, taking the place of the one before; an owned one that is replaced is deleted after. Setters of
     * one project take turns (a lock for the transaction), so each sees the preview it replaces and none is left
     * behind. The file's own duration wins over a declared one. A project deleted meanwhile is a 404.
     */
    private Mono<Preview> set(UUID projectId, Asset asset, boolean owned, double declaredSeconds) {
        double seconds = asset.durationSeconds() > 0 ? Math.min(asset.durationSeconds(), MAX_SECONDS) : declaredSeconds;
        Mono<UUID> replaced = db.sql("SELECT asset_id FROM project_previews WHERE project_id = :project AND owned AND asset_id <> :asset")
                .bind("project", projectId).bind("asset", asset.id())
                .map(row -> row.get("asset_id", UUID.class)).one()
                .defaultIfEmpty(NOT_OWNED);
        Mono<Instant> upsert = db.sql("INSERT INTO project_previews AS pp (project_id, asset_id, owned, duration_seconds, rendered_at) "
                        + "VALUES (:project, :asset, :owned, :seconds, now()) ON CONFLICT (project_id) DO UPDATE SET "
                        + "asset_id = excluded.asset_id, owned = CASE WHEN pp.asset_id = excluded.asset_id THEN pp.owned OR excluded.owned "
                        + "ELSE excluded.owned END, duration_seconds = excluded.duration_seconds, rendered_at = excluded.rendered_at, "
                        + "updated_at = now() RETURNING rendered_at")
                .bind("project", projectId).bind("asset", asset.id()).bind("owned", owned).bind("seconds", seconds)
                .map(row -> row.get("rendered_at", OffsetDateTime.class).toInstant()).one();
        return db.sql("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .bind("key", "project-preview:" + projectId)
                .map(row -> Boolean.TRUE).first()
                .then(replaced)
                .flatMap(old -> upsert.map(at -> new Replacement(new Preview(projectId, asset, seconds, at), old)))
                .as(transactions::transactional)
                .onErrorMap(SqlErrors::isForeignKeyViolation, ex -> ApiProblem.notFound("Project not found"))
                .flatMap(done -> done.replaced() == NOT_OWNED ? Mono.just(done.preview()) : files.delete(done.replaced()).thenReturn(done.preview()));
    }

    private record Replacement(Preview preview, UUID replaced) {
    }
}

package dev.dawg.assets;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;

import dev.dawg.assets.audio.AudioInfo;
import dev.dawg.sharing.ProjectAccess;

/**
 * The SQL of assets: reads for access, lists and search, deletion, and the sample library's seeds. Uploads in flight
 * are {@link UploadStore}'s, the cleanup's queue {@link CleanupStore}'s; a trigger (V5) gives the space back and
 * queues the object whenever an asset row goes, however it goes.
 */
@Component
public class AssetStore {

    /** An asset with the facts about its project that the access rule needs. */
    record AssetWithProject(Asset asset, UUID projectOwner, String visibility, boolean projectDeleted, ProjectAccess.ShareFacts share) {
    }

    private final DatabaseClient db;

    AssetStore(DatabaseClient db) {
        this.db = db;
    }

    Mono<AssetWithProject> findWithProject(UUID assetId, String shareToken) {
        return db.sql("SELECT " + Asset.COLUMNS + ", p.owner_id AS project_owner, p.visibility, (p.deleted_at IS NOT NULL) AS project_deleted, "
                        + ProjectAccess.SHARE_COLUMNS + " FROM assets a LEFT JOIN projects p ON p.id = a.project_id "
                        + ProjectAccess.SHARE_JOIN + " WHERE a.id = :id")
                .bind("id", assetId)
                .bind("shareToken", shareToken == null ? "" : shareToken)
                .map(row -> new AssetWithProject(Asset.from(row), row.get("project_owner", UUID.class), row.get("visibility", String.class),
                        Boolean.TRUE.equals(row.get("project_deleted", Boolean.class)), ProjectAccess.ShareFacts.from(row)))
                .one();
    }

    /** A page of a project's assets, newest first, after the keyset cursor if any. */
    Flux<Asset> listProject(UUID projectId, Instant beforeCreated, UUID beforeId, int limit) {
        String keyset = beforeCreated == null ? "" : " AND (a.created_at, a.id) < (:created, :lastId) ";
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT " + Asset.COLUMNS + " FROM assets a WHERE a.project_id = :project "
                        + keyset + " ORDER BY a.created_at DESC, a.id DESC LIMIT :limit")
                .bind("project", projectId)
                .bind("limit", limit);
        if (beforeCreated != null) {
            spec = spec.bind("created", OffsetDateTime.ofInstant(beforeCreated, ZoneOffset.UTC)).bind("lastId", beforeId);
        }
        return spec.map(Asset::from).all();
    }

    /**
     * A page of the owner's personal library, newest first, after the keyset cursor if any: the whole library, its
     * top level ({@code topLevel}), or one folder.
     */
    Flux<Asset> listPersonal(UUID ownerId, UUID folderId, boolean topLevel, Instant beforeCreated, UUID beforeId, int limit) {
        String folder = personalFolder(folderId, topLevel);
        String keyset = beforeCreated == null ? "" : " AND (a.created_at, a.id) < (:created, :lastId) ";
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT " + Asset.COLUMNS + " FROM assets a WHERE a.owner_id = :owner "
                        + " AND a.project_id IS NULL " + folder + keyset + " ORDER BY a.created_at DESC, a.id DESC LIMIT :limit")
                .bind("owner", ownerId)
                .bind("limit", limit);
        if (folderId != null) {
            spec = spec.bind("folder", folderId);
        }
        if (beforeCreated != null) {
            spec = spec.bind("created", OffsetDateTime.ofInstant(beforeCreated, ZoneOffset.UTC)).bind("lastId", beforeId);
        }
        return spec.map(Asset::from).all();
    }

    /** A page of the owner's personal library by offset, newest first (see {@link #listPersonal}). */
    Flux<Asset> pagePersonal(UUID ownerId, UUID folderId, boolean topLevel, int limit, int offset) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT " + Asset.COLUMNS + " FROM assets a WHERE a.owner_id = :owner "
                        + " AND a.project_id IS NULL " + personalFolder(folderId, topLevel) + " ORDER BY a.created_at DESC, a.id DESC "
                        + " LIMIT :limit OFFSET :offset")
                .bind("owner", ownerId).bind("limit", limit).bind("offset", offset);
        return (folderId == null ? spec : spec.bind("folder", folderId)).map(Asset::from).all();
    }

    Mono<Long> countPersonal(UUID ownerId, UUID folderId, boolean topLevel) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT count(*) FROM assets a WHERE a.owner_id = :owner AND a.project_id IS NULL "
                        + personalFolder(folderId, topLevel))
                .bind("owner", ownerId);
        return (folderId == null ? spec : spec.bind("folder", folderId)).map(row -> row.get(0, Long.class)).one();
    }

    private static String personalFolder(UUID folderId, boolean topLevel) {
        return folderId != null ? " AND a.folder_id = :folder " : topLevel ? " AND a.folder_id IS NULL " : "";
    }

    /**
     * Renames and/or moves an asset of the owner's personal library ({@code folderId} null: to the top level, kept
     * when {@code move} is false). Empty when there is no such asset, or the folder is not the owner's.
     */
    Mono<Asset> updatePersonal(UUID assetId, UUID ownerId, String filename, boolean move, UUID folderId) {
        return db.sql("UPDATE assets a SET filename = coalesce(:filename, a.filename), "
                        + " folder_id = CASE WHEN :move THEN :folder ELSE a.folder_id END "
                        + "WHERE a.id = :id AND a.owner_id = :owner AND a.project_id IS NULL "
                        + " AND (NOT :move OR :folder IS NULL OR EXISTS (SELECT 1 FROM asset_folders f WHERE f.id = :folder AND f.owner_id = :owner)) "
                        + "RETURNING " + Asset.COLUMNS)
                .bind("id", assetId)
                .bind("owner", ownerId)
                .bind("filename", Parameter.fromOrEmpty(filename, String.class))
                .bind("move", move)
                .bind("folder", Parameter.fromOrEmpty(folderId, UUID.class))
                .map(Asset::from)
                .one();
    }

    /**
     * The caller's own assets (in projects not deleted, and in their personal library) and the system library whose
     * name or category holds every term; the caller's first, names starting with the first term before others.
     */
    Flux<Asset> search(UUID callerId, List<String> terms, int limit, int offset) {
        StringBuilder sql = new StringBuilder("SELECT " + Asset.COLUMNS + " FROM assets a LEFT JOIN projects p ON p.id = a.project_id "
                + "WHERE ((a.owner_id = :me AND p.deleted_at IS NULL) OR (a.project_id IS NULL AND a.owner_id IS NULL)) ");
        for (int i = 0; i < terms.size(); i++) {
            sql.append(" AND (a.filename ILIKE :t").append(i).append(" ESCAPE '\\' OR coalesce(a.category, '') ILIKE :t").append(i)
                    .append(" ESCAPE '\\') ");
        }
        sql.append(" ORDER BY (a.owner_id IS NULL), (a.filename ILIKE :prefix ESCAPE '\\') DESC, a.created_at DESC, a.id DESC ")
                .append(" LIMIT :limit OFFSET :offset");
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql.toString())
                .bind("me", Parameter.fromOrEmpty(callerId, UUID.class))
                .bind("prefix", likeEscape(terms.get(0)) + "%")
                .bind("limit", limit)
                .bind("offset", offset);
        for (int i = 0; i < terms.size(); i++) {
            spec = spec.bind("t" + i, "%" + likeEscape(terms.get(i)) + "%");
        }
        return spec.map(Asset::from).all();
    }

    /** Deletes the asset row; the trigger gives the space back and queues the object. Empty if already gone. */
    Mono<Asset> delete(UUID assetId) {
        return db.sql("DELETE FROM assets a WHERE a.id = :id RETURNING " + Asset.COLUMNS)
                .bind("id", assetId).map(Asset::from).one();
    }

    // ---- the sample library's seeds

    /** The built-in samples still in the library: their seed key and object key. */
    public Flux<Map.Entry<String, String>> builtInObjects() {
        return db.sql("SELECT library_key, object_key FROM assets WHERE library_key IS NOT NULL")
                .map(row -> Map.entry(row.get("library_key", String.class), row.get("object_key", String.class)))
                .all();
    }

    public Flux<String> seededKeys() {
        return db.sql("SELECT library_key FROM library_seeds").map(row -> row.get(0, String.class)).all();
    }

    /**
     * Records a built-in sample once: the seed marker and the asset in one statement. Empty when another node
     * (or an earlier start) seeded it first.
     */
    public Mono<Asset> seed(String libraryKey, String category, String filename, String objectKey, long size, String sha256, AudioInfo info) {
        return bindAudioFile(db.sql("WITH seed AS (INSERT INTO library_seeds (library_key) VALUES (:key) ON CONFLICT DO NOTHING RETURNING library_key) "
                        + "INSERT INTO assets AS a (category, library_key, filename, format, content_type, size_bytes, sha256, duration_seconds, "
                        + "  sample_rate, channels, bit_depth, object_key) "
                        + "SELECT :category, seed.library_key, :filename, :format, :contentType, :size, :sha256, :duration, :rate, :channels, "
                        + "  :bits, :objectKey FROM seed RETURNING " + Asset.COLUMNS), filename, size, sha256, info)
                .bind("key", libraryKey)
                .bind("category", category)
                .bind("objectKey", objectKey)
                .map(Asset::from)
                .one();
    }

    /** {@code value} with LIKE's wildcards and escape character taken literally. */
    static String likeEscape(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** Binds what every stored audio file records: its name, format, size, digest and metadata. */
    static DatabaseClient.GenericExecuteSpec bindAudioFile(DatabaseClient.GenericExecuteSpec spec, String filename, long size,
            String sha256, AudioInfo info) {
        return spec.bind("filename", filename)
                .bind("format", info.format().wireName())
                .bind("contentType", info.format().contentType())
                .bind("size", size)
                .bind("sha256", sha256)
                .bind("duration", info.durationSeconds())
                .bind("rate", info.sampleRate())
                .bind("channels", info.channels())
                .bind("bits", Parameter.fromOrEmpty(info.bitDepth(), Integer.class));
    }
}

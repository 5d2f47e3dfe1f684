package dev.dawg.assets;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;

import dev.dawg.assets.audio.AudioInfo;
import dev.dawg.sharing.ProjectAccess;

/**
 * The SQL of assets, uploads in flight, storage usage and the orphaned-object queue. Quota reservations are
 * single conditional statements, so concurrent uploads can never together pass the limit; triggers (V5) give
 * reservations and usage back and queue objects for removal whenever a row goes, however it goes.
 */
@Component
class AssetStore {

    /**
     * An upload not yet checked: its reservation, where its bytes go, and for whom. A presigned upload's bytes land
     * on a staging key ({@code objectKey}) and become the asset at {@code assetKey}; a streamed upload's go straight
     * to {@code objectKey} (no {@code assetKey}).
     */
    record PendingUpload(UUID id, String kind, UUID ownerId, UUID projectId, String filename,
            String declaredType, Long declaredSize, long reservedBytes, String objectKey, String assetKey, String s3UploadId,
            Instant expiresAt) {

        static final String COLUMNS = " u.id, u.kind, u.owner_id, u.project_id, u.filename, u.declared_type, u.declared_size,"
                + " u.reserved_bytes, u.object_key, u.asset_key, u.s3_upload_id, u.expires_at ";

        static PendingUpload from(Readable row) {
            return new PendingUpload(row.get("id", UUID.class), row.get("kind", String.class), row.get("owner_id", UUID.class),
                    row.get("project_id", UUID.class), row.get("filename", String.class),
                    row.get("declared_type", String.class), row.get("declared_size", Long.class), row.get("reserved_bytes", Long.class),
                    row.get("object_key", String.class), row.get("asset_key", String.class), row.get("s3_upload_id", String.class),
                    row.get("expires_at", OffsetDateTime.class).toInstant());
        }

        /** Where the asset's bytes end up. */
        String finalKey() {
            return assetKey == null ? objectKey : assetKey;
        }

        boolean expired(Instant now) {
            return expiresAt.isBefore(now);
        }
    }

    /** An asset with the facts about its project that the access rule needs. */
    record AssetWithProject(Asset asset, UUID projectOwner, String visibility, boolean projectDeleted, ProjectAccess.ShareFacts share) {
    }

    /** A user's storage: bytes stored and bytes held for uploads in flight. */
    record Usage(long usedBytes, long reservedBytes) {

        /** What counts against the quota. */
        long inUse() {
            return usedBytes + reservedBytes;
        }
    }

    /** An object to remove from the store (and the multipart upload to abort, if any). */
    record Orphan(String objectKey, String s3UploadId) {
    }

    private final DatabaseClient db;

    AssetStore(DatabaseClient db) {
        this.db = db;
    }

    // ---- uploads in flight

    /** Records a streamed upload about to start; it reserves nothing until its parts are stored. */
    Mono<PendingUpload> openStreamed(UUID ownerId, UUID projectId, String objectKey, Duration timeout) {
        return db.sql("WITH usage AS (INSERT INTO storage_usage (user_id) VALUES (:owner) ON CONFLICT (user_id) DO NOTHING) "
                        + "INSERT INTO asset_uploads AS u (kind, owner_id, project_id, filename, object_key, expires_at) "
                        + "VALUES ('streamed', :owner, :project, 'upload', :key, now() + make_interval(secs => :timeout)) "
                        + "RETURNING " + PendingUpload.COLUMNS)
                .bind("owner", ownerId)
                .bind("project", Parameter.fromOrEmpty(projectId, UUID.class))
                .bind("key", objectKey)
                .bind("timeout", (double) timeout.toSeconds())
                .map(PendingUpload::from)
                .one();
    }

    /**
     * Adds {@code bytes} to a streamed upload's reservation if the owner's quota allows it, and keeps the
     * upload alive while it makes progress. False when the quota does not allow it.
     */
    Mono<Boolean> reserve(UUID uploadId, long bytes, long limit, Duration timeout) {
        return db.sql("WITH up AS (SELECT id, owner_id FROM asset_uploads WHERE id = :id FOR UPDATE), "
                        + "granted AS (UPDATE storage_usage s SET reserved_bytes = s.reserved_bytes + :n FROM up "
                        + "  WHERE s.user_id = up.owner_id AND s.used_bytes + s.reserved_bytes + :n <= :limit RETURNING s.user_id) "
                        + "UPDATE asset_uploads SET reserved_bytes = reserved_bytes + :n, "
                        + "  expires_at = greatest(expires_at, now() + make_interval(secs => :timeout)) "
                        + "FROM granted WHERE asset_uploads.id = :id RETURNING asset_uploads.id")
                .bind("id", uploadId)
                .bind("n", bytes)
                .bind("limit", limit)
                .bind("timeout", (double) timeout.toSeconds())
                .map(row -> row.get(0, UUID.class))
                .one()
                .hasElement();
    }

    /** Records the store's multipart upload id, so the sweep can abort it if this node dies mid-upload. */
    Mono<Void> recordMultipart(UUID uploadId, String s3UploadId) {
        return db.sql("UPDATE asset_uploads SET s3_upload_id = :s3 WHERE id = :id")
                .bind("id", uploadId).bind("s3", s3UploadId)
                .fetch().rowsUpdated().then();
    }

    /**
     * Records a presigned upload with its whole declared size reserved, in one statement that succeeds only
     * while the owner's stored and reserved bytes stay within {@code limit}. Empty when the quota is exceeded.
     */
    Mono<PendingUpload> openPresigned(UUID ownerId, UUID projectId, String filename, String declaredType, long size,
            String stagingKey, String assetKey, Duration lifetime, long limit) {
        if (size > limit) {
            return Mono.empty();
        }
        return db.sql("WITH usage AS (INSERT INTO storage_usage AS s (user_id, reserved_bytes) VALUES (:owner, :n) "
                        + "  ON CONFLICT (user_id) DO UPDATE SET reserved_bytes = s.reserved_bytes + excluded.reserved_bytes "
                        + "  WHERE s.used_bytes + s.reserved_bytes + excluded.reserved_bytes <= :limit RETURNING user_id) "
                        + "INSERT INTO asset_uploads AS u (kind, owner_id, project_id, filename, declared_type, declared_size, reserved_bytes, "
                        + "  object_key, asset_key, expires_at) "
                        + "SELECT 'presigned', :owner, :project, :filename, :type, :n, :n, :key, :assetKey, "
                        + "  now() + make_interval(secs => :lifetime) "
                        + "FROM usage RETURNING " + PendingUpload.COLUMNS)
                .bind("owner", ownerId)
                .bind("project", projectId)
                .bind("filename", filename)
                .bind("type", declaredType)
                .bind("n", size)
                .bind("key", stagingKey)
                .bind("assetKey", assetKey)
                .bind("lifetime", (double) lifetime.toSeconds())
                .bind("limit", limit)
                .map(PendingUpload::from)
                .one();
    }

    Mono<PendingUpload> findUpload(UUID uploadId) {
        return db.sql("SELECT " + PendingUpload.COLUMNS + " FROM asset_uploads u WHERE u.id = :id")
                .bind("id", uploadId).map(PendingUpload::from).one();
    }

    /**
     * Takes a presigned upload for completion, so two concurrent completions cannot both run (a claim older
     * than ten minutes is taken to be abandoned). Empty when it is not there to take.
     */
    Mono<PendingUpload> claim(UUID uploadId, UUID ownerId) {
        return db.sql("UPDATE asset_uploads u SET state = 'completing', claimed_at = now() "
                        + "WHERE u.id = :id AND u.owner_id = :owner AND u.kind = 'presigned' "
                        + "  AND (u.state = 'open' OR u.claimed_at < now() - interval '10 minutes') "
                        + "RETURNING " + PendingUpload.COLUMNS)
                .bind("id", uploadId).bind("owner", ownerId)
                .map(PendingUpload::from).one();
    }

    /** Gives a claimed upload back, for a completion that may be retried (nothing was uploaded yet). */
    Mono<Void> unclaim(UUID uploadId) {
        return db.sql("UPDATE asset_uploads SET state = 'open', claimed_at = NULL WHERE id = :id")
                .bind("id", uploadId).fetch().rowsUpdated().then();
    }

    /**
     * Turns an upload into an asset in one statement: the upload row goes (its reservation with it), the asset
     * row comes (its size counted as used) with the bytes at the upload's final key (a presigned upload's staging
     * object is queued for removal by the trigger). {@code category} is used for a library upload (no project).
     * Empty if the upload was discarded meanwhile.
     */
    Mono<Asset> finish(UUID uploadId, String filename, String category, long size, String sha256, AudioInfo info) {
        return audioFile(db.sql("WITH up AS (DELETE FROM asset_uploads WHERE id = :id "
                        + "  RETURNING project_id, owner_id, coalesce(asset_key, object_key) AS object_key) "
                        + "INSERT INTO assets AS a (project_id, owner_id, category, filename, format, content_type, size_bytes, sha256, "
                        + "  duration_seconds, sample_rate, channels, bit_depth, object_key) "
                        + "SELECT up.project_id, CASE WHEN up.project_id IS NULL THEN NULL ELSE up.owner_id END, "
                        + "  CASE WHEN up.project_id IS NULL THEN :category END, :filename, "
                        + "  :format, :contentType, :size, :sha256, :duration, :rate, :channels, :bits, up.object_key FROM up "
                        + "RETURNING " + Asset.COLUMNS), filename, size, sha256, info)
                .bind("id", uploadId)
                .bind("category", Parameter.fromOrEmpty(category, String.class))
                .map(Asset::from)
                .one();
    }

    /** Deletes an upload row: its reservation is given back and its object queued for removal (trigger). */
    Mono<Void> discard(UUID uploadId) {
        return db.sql("DELETE FROM asset_uploads WHERE id = :id").bind("id", uploadId).fetch().rowsUpdated().then();
    }

    /** Discards uploads past their time; their objects join the orphan queue. Returns how many. */
    Mono<Long> discardExpiredUploads(int batch) {
        return db.sql("DELETE FROM asset_uploads WHERE id IN (SELECT id FROM asset_uploads WHERE expires_at < now() "
                        + "  AND (state = 'open' OR claimed_at < now() - interval '10 minutes') "
                        + "  ORDER BY expires_at LIMIT :batch FOR UPDATE SKIP LOCKED)")
                .bind("batch", batch)
                .fetch().rowsUpdated();
    }

    /** Those of {@code keys} that an upload in flight writes to: staging objects no upload owns are the sweep's. */
    Flux<String> ownedUploadKeys(List<String> keys) {
        return db.sql("SELECT object_key FROM asset_uploads WHERE object_key = ANY(:keys)")
                .bind("keys", keys.toArray(String[]::new))
                .map(row -> row.get(0, String.class))
                .all();
    }

    // ---- the orphan queue

    /** Leases a batch of orphans for five minutes, so nodes sweeping together do not all take the same ones. */
    Flux<Orphan> leaseOrphans(int batch) {
        return db.sql("UPDATE orphaned_objects SET attempted_at = now() WHERE object_key IN (SELECT object_key FROM orphaned_objects "
                        + "  WHERE attempted_at IS NULL OR attempted_at < now() - interval '5 minutes' "
                        + "  ORDER BY queued_at LIMIT :batch FOR UPDATE SKIP LOCKED) RETURNING object_key, s3_upload_id")
                .bind("batch", batch)
                .map(row -> new Orphan(row.get("object_key", String.class), row.get("s3_upload_id", String.class)))
                .all();
    }

    /** Gives a leased orphan back to the next sweep (the store was unreachable when it was tried). */
    Mono<Void> releaseOrphan(String objectKey) {
        return db.sql("UPDATE orphaned_objects SET attempted_at = NULL WHERE object_key = :key").bind("key", objectKey)
                .fetch().rowsUpdated().then();
    }

    Mono<Void> forgetOrphan(String objectKey) {
        return db.sql("DELETE FROM orphaned_objects WHERE object_key = :key").bind("key", objectKey).fetch().rowsUpdated().then();
    }

    // ---- assets

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

    /** The sample library, by category then name. */
    Flux<Asset> library(String category, int limit, int offset) {
        String filter = category == null ? "" : " AND a.category = :category ";
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT " + Asset.COLUMNS + " FROM assets a WHERE a.project_id IS NULL " + filter
                        + " ORDER BY a.category, lower(a.filename), a.id LIMIT :limit OFFSET :offset")
                .bind("limit", limit).bind("offset", offset);
        if (category != null) {
            spec = spec.bind("category", category);
        }
        return spec.map(Asset::from).all();
    }

    /**
     * The caller's own assets (in projects not deleted) and the library whose name or category holds every
     * term; the caller's first, names starting with the first term before others.
     */
    Flux<Asset> search(UUID callerId, List<String> terms, int limit, int offset) {
        StringBuilder sql = new StringBuilder("SELECT " + Asset.COLUMNS + " FROM assets a LEFT JOIN projects p ON p.id = a.project_id "
                + "WHERE ((a.owner_id = :me AND p.deleted_at IS NULL) OR a.project_id IS NULL) ");
        for (int i = 0; i < terms.size(); i++) {
            sql.append(" AND (a.filename ILIKE :t").append(i).append(" ESCAPE '\\' OR coalesce(a.category, '') ILIKE :t").append(i)
                    .append(" ESCAPE '\\') ");
        }
        sql.append(" ORDER BY (a.project_id IS NULL), (a.filename ILIKE :prefix ESCAPE '\\') DESC, a.created_at DESC, a.id DESC ")
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

    Mono<Usage> usage(UUID userId) {
        return db.sql("SELECT used_bytes, reserved_bytes FROM storage_usage WHERE user_id = :id")
                .bind("id", userId)
                .map(row -> new Usage(row.get("used_bytes", Long.class), row.get("reserved_bytes", Long.class)))
                .one()
                .defaultIfEmpty(new Usage(0, 0));
    }

    // ---- the sample library's seeds

    /** The built-in samples still in the library: their seed key and object key. */
    Flux<Map.Entry<String, String>> builtInObjects() {
        return db.sql("SELECT library_key, object_key FROM assets WHERE library_key IS NOT NULL")
                .map(row -> Map.entry(row.get("library_key", String.class), row.get("object_key", String.class)))
                .all();
    }

    Flux<String> seededKeys() {
        return db.sql("SELECT library_key FROM library_seeds").map(row -> row.get(0, String.class)).all();
    }

    /**
     * Records a built-in sample once: the seed marker and the asset in one statement. Empty when another node
     * (or an earlier start) seeded it first.
     */
    Mono<Asset> seed(String libraryKey, String category, String filename, String objectKey, long size, String sha256, AudioInfo info) {
        return audioFile(db.sql("WITH seed AS (INSERT INTO library_seeds (library_key) VALUES (:key) ON CONFLICT DO NOTHING RETURNING library_key) "
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
    private static DatabaseClient.GenericExecuteSpec audioFile(DatabaseClient.GenericExecuteSpec spec, String filename, long size,
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

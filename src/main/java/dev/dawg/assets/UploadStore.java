package dev.dawg.assets;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;

import dev.dawg.assets.audio.AudioInfo;

/**
 * The SQL of uploads in flight and of the storage usage they reserve against. Quota reservations are single
 * conditional statements, so concurrent uploads can never together pass the limit; triggers (V5) give reservations
 * and usage back and queue objects for removal whenever a row goes, however it goes.
 */
@Component
class UploadStore {

    /**
     * An upload not yet checked: its reservation, where its bytes go, and for whom. A presigned upload's bytes land
     * on a staging key ({@code objectKey}) and become the asset at {@code assetKey}; a streamed upload's go straight
     * to {@code objectKey} (no {@code assetKey}).
     */
    record PendingUpload(UUID id, String kind, UUID ownerId, UUID projectId, String filename,
            String declaredType, Long declaredSize, long reservedBytes, String objectKey, String assetKey, String s3UploadId,
            Instant expiresAt, boolean personal, UUID folderId, Long partSize) {

        static final String COLUMNS = " u.id, u.kind, u.owner_id, u.project_id, u.filename, u.declared_type, u.declared_size,"
                + " u.reserved_bytes, u.object_key, u.asset_key, u.s3_upload_id, u.expires_at, u.personal, u.folder_id, u.part_size ";

        static PendingUpload from(Readable row) {
            return new PendingUpload(row.get("id", UUID.class), row.get("kind", String.class), row.get("owner_id", UUID.class),
                    row.get("project_id", UUID.class), row.get("filename", String.class),
                    row.get("declared_type", String.class), row.get("declared_size", Long.class), row.get("reserved_bytes", Long.class),
                    row.get("object_key", String.class), row.get("asset_key", String.class), row.get("s3_upload_id", String.class),
                    row.get("expires_at", OffsetDateTime.class).toInstant(), Boolean.TRUE.equals(row.get("personal", Boolean.class)),
                    row.get("folder_id", UUID.class), row.get("part_size", Long.class));
        }

        /** Into the built-in system library: an administrator's, counted against no quota. */
        boolean intoSystemLibrary() {
            return projectId == null && !personal;
        }

        boolean expired(Instant now) {
            return expiresAt.isBefore(now);
        }
    }

    /** A user's storage: bytes stored and bytes held for uploads in flight. */
    record Usage(long usedBytes, long reservedBytes) {

        /** What counts against the quota. */
        long inUse() {
            return usedBytes + reservedBytes;
        }
    }

    static final String PRESIGNED = "presigned";
    static final String MULTIPART = "multipart";

    private final DatabaseClient db;

    UploadStore(DatabaseClient db) {
        this.db = db;
    }

    /**
     * Where an upload goes: into a project, into the owner's personal library ({@code personal}, perhaps a folder), or
     * (neither) into the system library.
     */
    record Target(UUID projectId, boolean personal, UUID folderId) {

        static Target project(UUID projectId) {
            return new Target(projectId, false, null);
        }

        static Target personalLibrary(UUID folderId) {
            return new Target(null, true, folderId);
        }

        static final Target SYSTEM_LIBRARY = new Target(null, false, null);
    }

    /** Records a streamed upload about to start; it reserves nothing until its parts are stored. */
    Mono<PendingUpload> openStreamed(UUID ownerId, Target target, String objectKey, Duration timeout) {
        return db.sql("WITH usage AS (INSERT INTO storage_usage (user_id) VALUES (:owner) ON CONFLICT (user_id) DO NOTHING) "
                        + "INSERT INTO asset_uploads AS u (kind, owner_id, project_id, personal, folder_id, filename, object_key, expires_at) "
                        + "VALUES ('streamed', :owner, :project, :personal, :folder, 'upload', :key, now() + make_interval(secs => :timeout)) "
                        + "RETURNING " + PendingUpload.COLUMNS)
                .bind("owner", ownerId)
                .bind("project", Parameter.fromOrEmpty(target.projectId(), UUID.class))
                .bind("personal", target.personal())
                .bind("folder", Parameter.fromOrEmpty(target.folderId(), UUID.class))
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
    Mono<PendingUpload> openPresigned(UUID ownerId, Target target, String filename, String declaredType, long size,
            String stagingKey, String assetKey, Duration lifetime, long limit) {
        return openReserved(PRESIGNED, null, ownerId, target, filename, declaredType, size, stagingKey, assetKey, lifetime, limit);
    }

    /** As {@link #openPresigned}, for a resumable (multipart) upload whose parts are {@code partSize} bytes. */
    Mono<PendingUpload> openMultipart(long partSize, UUID ownerId, Target target, String filename, String declaredType, long size,
            String stagingKey, String assetKey, Duration lifetime, long limit) {
        return openReserved(MULTIPART, partSize, ownerId, target, filename, declaredType, size, stagingKey, assetKey, lifetime, limit);
    }

    private Mono<PendingUpload> openReserved(String kind, Long partSize, UUID ownerId, Target target, String filename, String declaredType,
            long size, String stagingKey, String assetKey, Duration lifetime, long limit) {
        if (size > limit) {
            return Mono.empty();
        }
        return db.sql("WITH usage AS (INSERT INTO storage_usage AS s (user_id, reserved_bytes) VALUES (:owner, :n) "
                        + "  ON CONFLICT (user_id) DO UPDATE SET reserved_bytes = s.reserved_bytes + excluded.reserved_bytes "
                        + "  WHERE s.used_bytes + s.reserved_bytes + excluded.reserved_bytes <= :limit RETURNING user_id) "
                        + "INSERT INTO asset_uploads AS u (kind, owner_id, project_id, personal, folder_id, filename, declared_type, "
                        + "  declared_size, reserved_bytes, object_key, asset_key, expires_at, part_size) "
                        + "SELECT :kind, :owner, :project, :personal, :folder, :filename, :type, :n, :n, :key, :assetKey, "
                        + "  now() + make_interval(secs => :lifetime), :partSize "
                        + "FROM usage RETURNING " + PendingUpload.COLUMNS)
                .bind("kind", kind)
                .bind("partSize", Parameter.fromOrEmpty(partSize, Long.class))
                .bind("owner", ownerId)
                .bind("project", Parameter.fromOrEmpty(target.projectId(), UUID.class))
                .bind("personal", target.personal())
                .bind("folder", Parameter.fromOrEmpty(target.folderId(), UUID.class))
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

    /**
     * Records the hash of a new key for PUTting the owner's open presigned upload through this server (an earlier
     * key stops working). Empty when there is no such upload open.
     */
    Mono<PendingUpload> setPutKey(UUID uploadId, UUID ownerId, String keySha256) {
        return db.sql("UPDATE asset_uploads u SET put_key_sha256 = :key WHERE u.id = :id AND u.owner_id = :owner "
                        + " AND u.kind = 'presigned' AND u.state = 'open' AND u.expires_at > now() RETURNING " + PendingUpload.COLUMNS)
                .bind("id", uploadId).bind("owner", ownerId).bind("key", keySha256)
                .map(PendingUpload::from).one();
    }

    /** The open presigned upload whose PUT key has this hash. */
    Mono<PendingUpload> findByPutKey(UUID uploadId, String keySha256) {
        return db.sql("SELECT " + PendingUpload.COLUMNS + " FROM asset_uploads u WHERE u.id = :id AND u.put_key_sha256 = :key "
                        + " AND u.kind = 'presigned' AND u.state = 'open' AND u.expires_at > now()")
                .bind("id", uploadId).bind("key", keySha256)
                .map(PendingUpload::from).one();
    }

    Mono<PendingUpload> findUpload(UUID uploadId) {
        return db.sql("SELECT " + PendingUpload.COLUMNS + " FROM asset_uploads u WHERE u.id = :id")
                .bind("id", uploadId).map(PendingUpload::from).one();
    }

    /**
     * Takes a presigned upload for completion, so two concurrent completions cannot both run (a claim older
     * than ten minutes is taken to be abandoned). Empty when it is not there to take.
     */
    Mono<PendingUpload> claim(UUID uploadId, UUID ownerId, String kind) {
        return db.sql("UPDATE asset_uploads u SET state = 'completing', claimed_at = now() "
                        + "WHERE u.id = :id AND u.owner_id = :owner AND u.kind = :kind "
                        + "  AND (u.state = 'open' OR u.claimed_at < now() - interval '10 minutes') "
                        + "RETURNING " + PendingUpload.COLUMNS)
                .bind("id", uploadId).bind("owner", ownerId).bind("kind", kind)
                .map(PendingUpload::from).one();
    }

    /** The owner's resumable upload (being completed or not); empty when there is none of theirs. */
    Mono<PendingUpload> findMultipart(UUID uploadId, UUID ownerId) {
        return db.sql("SELECT " + PendingUpload.COLUMNS + " FROM asset_uploads u WHERE u.id = :id AND u.owner_id = :owner "
                        + " AND u.kind = 'multipart'")
                .bind("id", uploadId).bind("owner", ownerId)
                .map(PendingUpload::from).one();
    }

    /** The owner's resumable uploads still open, oldest first (at most {@code limit}). */
    reactor.core.publisher.Flux<PendingUpload> openMultiparts(UUID ownerId, int limit) {
        return db.sql("SELECT " + PendingUpload.COLUMNS + " FROM asset_uploads u WHERE u.owner_id = :owner AND u.kind = 'multipart' "
                        + " AND u.state = 'open' AND u.expires_at > now() ORDER BY u.created_at, u.id LIMIT :limit")
                .bind("owner", ownerId).bind("limit", limit)
                .map(PendingUpload::from).all();
    }

    /** Gives a claimed upload back, for a completion that may be retried (nothing was uploaded yet). */
    Mono<Void> unclaim(UUID uploadId) {
        return db.sql("UPDATE asset_uploads SET state = 'open', claimed_at = NULL WHERE id = :id")
                .bind("id", uploadId).fetch().rowsUpdated().then();
    }

    /**
     * Turns an upload into an asset in one statement: the upload row goes (its reservation with it), the asset
     * row comes (its size counted as used) with the bytes at the upload's final key (a presigned upload's staging
     * object is queued for removal by the trigger). {@code category} is used for an upload into the system library,
     * {@code folderId} (if not null) for one into a personal library. Empty if the upload was discarded meanwhile.
     */
    Mono<Asset> finish(UUID uploadId, String filename, String category, UUID folderId, long size, String sha256, AudioInfo info) {
        return AssetStore.bindAudioFile(db.sql("WITH up AS (DELETE FROM asset_uploads WHERE id = :id "
                        + "  RETURNING project_id, owner_id, personal, folder_id, coalesce(asset_key, object_key) AS object_key) "
                        + "INSERT INTO assets AS a (project_id, owner_id, folder_id, category, filename, format, content_type, size_bytes, "
                        + "  sha256, duration_seconds, sample_rate, channels, bit_depth, object_key) "
                        + "SELECT up.project_id, CASE WHEN up.project_id IS NULL AND NOT up.personal THEN NULL ELSE up.owner_id END, "
                        + "  CASE WHEN up.personal THEN coalesce(:folder, up.folder_id) END, "
                        + "  CASE WHEN up.project_id IS NULL AND NOT up.personal THEN :category END, :filename, "
                        + "  :format, :contentType, :size, :sha256, :duration, :rate, :channels, :bits, up.object_key FROM up "
                        + "RETURNING " + Asset.COLUMNS), filename, size, sha256, info)
                .bind("id", uploadId)
                .bind("category", Parameter.fromOrEmpty(category, String.class))
                .bind("folder", Parameter.fromOrEmpty(folderId, UUID.class))
                .map(Asset::from)
                .one();
    }

    /** Deletes an upload row: its reservation is given back and its object queued for removal (trigger). */
    Mono<Void> discard(UUID uploadId) {
        return db.sql("DELETE FROM asset_uploads WHERE id = :id").bind("id", uploadId).fetch().rowsUpdated().then();
    }

    Mono<Usage> usage(UUID userId) {
        return db.sql("SELECT used_bytes, reserved_bytes FROM storage_usage WHERE user_id = :id")
                .bind("id", userId)
                .map(row -> new Usage(row.get("used_bytes", Long.class), row.get("reserved_bytes", Long.class)))
                .one()
                .defaultIfEmpty(new Usage(0, 0));
    }
}

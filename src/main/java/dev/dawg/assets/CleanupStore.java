package dev.dawg.assets;

import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The SQL the cleanup works from: uploads past their time, the staging keys open uploads own, and the queue of
 * orphaned objects (filled by triggers whenever an asset or upload row goes) that are still to be removed from
 * the store.
 */
@Component
class CleanupStore {

    /** An object to remove from the store (and the multipart upload to abort, if any). */
    record Orphan(String objectKey, String s3UploadId) {
    }

    private final DatabaseClient db;

    CleanupStore(DatabaseClient db) {
        this.db = db;
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

    /** An upload in flight's key and the store's multipart upload id recorded for it (null while it starts, or for none). */
    record OwnedKey(String objectKey, String s3UploadId) {
    }

    /** Those of {@code keys} an upload in flight writes to, with the store's multipart upload id it recorded. */
    Flux<OwnedKey> ownedUploads(List<String> keys) {
        return db.sql("SELECT object_key, s3_upload_id FROM asset_uploads WHERE object_key = ANY(:keys)")
                .bind("keys", keys.toArray(String[]::new))
                .map(row -> new OwnedKey(row.get("object_key", String.class), row.get("s3_upload_id", String.class)))
                .all();
    }

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
}

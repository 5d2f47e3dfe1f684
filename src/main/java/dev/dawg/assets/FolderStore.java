package dev.dawg.assets;

import java.util.UUID;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;

/**
 * The SQL of library folders. Changes to one user's tree run one at a time (a transaction-scoped advisory lock per
 * user, taken by {@link #lockTree}), so the checks on depth, count and cycles hold against concurrent requests; the
 * database keeps names unique among siblings and a folder from being deleted while it holds anything.
 */
@Component
class FolderStore {

    /** How deep recursive walks go at most: well past the deepest tree allowed, so a walk always ends. */
    private static final int WALK_LIMIT = 64;

    private final DatabaseClient db;

    FolderStore(DatabaseClient db) {
        this.db = db;
    }

    /** Within a transaction: waits for, then holds until it ends, the right to change the owner's folders. */
    Mono<Void> lockTree(UUID ownerId) {
        return db.sql("SELECT pg_advisory_xact_lock(hashtextextended('asset_folders:' || :owner, 0))")
                .bind("owner", ownerId.toString())
                .fetch().rowsUpdated().then();
    }

    Mono<AssetFolder> find(UUID ownerId, UUID folderId) {
        return db.sql("SELECT " + AssetFolder.COLUMNS + " FROM asset_folders f WHERE f.id = :id AND f.owner_id = :owner")
                .bind("id", folderId).bind("owner", ownerId)
                .map(AssetFolder::from).one();
    }

    /** Every folder of the owner (a bounded number), for building paths. */
    Flux<AssetFolder> all(UUID ownerId) {
        return db.sql("SELECT " + AssetFolder.COLUMNS + " FROM asset_folders f WHERE f.owner_id = :owner ORDER BY f.created_at, f.id")
                .bind("owner", ownerId).map(AssetFolder::from).all();
    }

    /**
     * A page of the owner's folders by name, after the keyset cursor if any: all of them, the top level
     * ({@code topLevel}) or one folder's children.
     */
    Flux<AssetFolder> list(UUID ownerId, UUID parentId, boolean topLevel, String afterName, UUID afterId, int limit) {
        String parent = parentId != null ? " AND f.parent_id = :parent " : topLevel ? " AND f.parent_id IS NULL " : "";
        String keyset = afterName == null ? "" : " AND (lower(f.name), f.id) > (:afterName, :afterId) ";
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT " + AssetFolder.COLUMNS + " FROM asset_folders f WHERE f.owner_id = :owner "
                        + parent + keyset + " ORDER BY lower(f.name), f.id LIMIT :limit")
                .bind("owner", ownerId).bind("limit", limit);
        if (parentId != null) {
            spec = spec.bind("parent", parentId);
        }
        if (afterName != null) {
            spec = spec.bind("afterName", afterName).bind("afterId", afterId);
        }
        return spec.map(AssetFolder::from).all();
    }

    Mono<Long> count(UUID ownerId) {
        return db.sql("SELECT count(*) FROM asset_folders WHERE owner_id = :owner")
                .bind("owner", ownerId).map(row -> row.get(0, Long.class)).one();
    }

    /** How deep the folder is (1 at the top level); empty when it is not the owner's. */
    Mono<Integer> depth(UUID ownerId, UUID folderId) {
        return db.sql("WITH RECURSIVE up (id, parent_id, depth) AS ("
                        + "  SELECT id, parent_id, 1 FROM asset_folders WHERE id = :id AND owner_id = :owner "
                        + "  UNION ALL SELECT f.id, f.parent_id, up.depth + 1 FROM asset_folders f JOIN up ON f.id = up.parent_id "
                        + "  WHERE up.depth < " + WALK_LIMIT + ") "
                        + "SELECT max(depth) FROM up HAVING max(depth) IS NOT NULL")
                .bind("id", folderId).bind("owner", ownerId)
                .map(row -> row.get(0, Integer.class)).one();
    }

    /** The folder's subtree: how many levels it has (1 without subfolders), and whether {@code other} is in it. */
    Mono<Subtree> subtree(UUID folderId, UUID other) {
        return db.sql("WITH RECURSIVE down (id, level) AS ("
                        + "  SELECT id, 1 FROM asset_folders WHERE id = :id "
                        + "  UNION ALL SELECT f.id, down.level + 1 FROM asset_folders f JOIN down ON f.parent_id = down.id "
                        + "  WHERE down.level < " + WALK_LIMIT + ") "
                        + "SELECT coalesce(max(level), 0) AS height, coalesce(bool_or(id = :other), false) AS holds FROM down")
                .bind("id", folderId).bind("other", Parameter.fromOrEmpty(other, UUID.class))
                .map(row -> new Subtree(row.get("height", Integer.class), Boolean.TRUE.equals(row.get("holds", Boolean.class))))
                .one();
    }

    /** How many levels a subtree has, and whether it holds a folder asked about. */
    record Subtree(int height, boolean holds) {
    }

    Mono<AssetFolder> insert(UUID ownerId, UUID parentId, String name) {
        return db.sql("INSERT INTO asset_folders AS f (owner_id, parent_id, name) VALUES (:owner, :parent, :name) RETURNING " + AssetFolder.COLUMNS)
                .bind("owner", ownerId).bind("parent", Parameter.fromOrEmpty(parentId, UUID.class)).bind("name", name)
                .map(AssetFolder::from).one();
    }

    /** Renames ({@code name} not null) and/or moves ({@code move}) the owner's folder. */
    Mono<AssetFolder> update(UUID ownerId, UUID folderId, String name, boolean move, UUID parentId) {
        return db.sql("UPDATE asset_folders f SET name = coalesce(:name, f.name), "
                        + " parent_id = CASE WHEN :move THEN :parent ELSE f.parent_id END "
                        + "WHERE f.id = :id AND f.owner_id = :owner RETURNING " + AssetFolder.COLUMNS)
                .bind("id", folderId).bind("owner", ownerId)
                .bind("name", Parameter.fromOrEmpty(name, String.class))
                .bind("move", move)
                .bind("parent", Parameter.fromOrEmpty(parentId, UUID.class))
                .map(AssetFolder::from).one();
    }

    /**
     * Deletes the owner's folder if it holds nothing (no subfolder, asset or upload in flight): true when deleted.
     * One put into it meanwhile makes the statement fail on a foreign key.
     */
    Mono<Boolean> deleteEmpty(UUID ownerId, UUID folderId) {
        return db.sql("DELETE FROM asset_folders f WHERE f.id = :id AND f.owner_id = :owner "
                        + " AND NOT EXISTS (SELECT 1 FROM asset_folders c WHERE c.parent_id = f.id) "
                        + " AND NOT EXISTS (SELECT 1 FROM assets a WHERE a.folder_id = f.id) "
                        + " AND NOT EXISTS (SELECT 1 FROM asset_uploads u WHERE u.folder_id = f.id)")
                .bind("id", folderId).bind("owner", ownerId)
                .fetch().rowsUpdated().map(rows -> rows > 0);
    }
}

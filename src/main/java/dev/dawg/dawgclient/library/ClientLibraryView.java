package dev.dawg.dawgclient.library;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.dawg.assets.Asset;
import dev.dawg.assets.AssetFolder;

/**
 * Library assets and folders as the DAWG client reads them: snake_case rows, with folders listed among the assets as
 * rows of {@code mime_type: "folder"} (its file browser builds the tree from one list). {@code folder_path} is the
 * path of the folder holding the row ({@code "/"} at the top level); {@code storage_url} is the dialect's own file URL,
 * so the bytes are always fetched through our access rule; no object key leaves the server.
 */
final class ClientLibraryView {

    private ClientLibraryView() {
    }

    static Map<String, Object> asset(Asset asset, String basePath, Map<UUID, String> paths) {
        Asset.View view = asset.view();
        String url = basePath + "/assets/" + view.id() + "/file";
        Map<String, Object> row = row(view.id(), view.ownerId(), view.filename(), view.folderId(), view.createdAt(), paths);
        row.put("file_size", view.sizeBytes());
        row.put("mime_type", view.contentType());
        row.put("duration_seconds", view.durationSeconds());
        row.put("storage_key", view.id().toString());
        row.put("storageKey", view.id().toString());
        row.put("storage_url", url);
        row.put("storageUrl", url);
        row.put("metadata", Map.of("sampleRate", view.sampleRate(), "channels", view.channels(), "format", view.format()));
        return row;
    }

    /** A folder as a row of the asset list. */
    static Map<String, Object> folderRow(AssetFolder folder, Map<UUID, String> paths) {
        Map<String, Object> row = row(folder.id(), folder.ownerId(), folder.name(), folder.parentId(), folder.createdAt(), paths);
        row.put("file_size", 0);
        row.put("mime_type", "folder");
        row.put("storage_key", null);
        row.put("storageKey", null);
        row.put("storage_url", null);
        row.put("storageUrl", null);
        return row;
    }

    /** What every row of the list has: its names, owner, place and times. */
    private static Map<String, Object> row(UUID id, UUID ownerId, String name, UUID folderId, Instant createdAt, Map<UUID, String> paths) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("user_id", ownerId);
        row.put("name", name);
        row.put("filename", name);
        row.put("original_filename", name);
        row.put("folder_path", folderPath(folderId, paths));
        row.put("parent_folder_id", folderId);
        row.put("processing_status", "completed");
        row.put("is_processed", true);
        row.put("created_at", createdAt);
        row.put("updated_at", createdAt);
        return row;
    }

    /** A folder as {@code POST/GET /assets/folders} answer it (camelCase, as the client reads those). */
    static Map<String, Object> folder(AssetFolder folder, Map<UUID, String> paths) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", folder.id());
        body.put("name", folder.name());
        body.put("folderPath", folderPath(folder.parentId(), paths));
        body.put("parentFolderId", folder.parentId());
        body.put("createdAt", folder.createdAt());
        body.put("updatedAt", folder.createdAt());
        return body;
    }

    private static String folderPath(UUID folderId, Map<UUID, String> paths) {
        return folderId == null ? "/" : paths.getOrDefault(folderId, "/");
    }
}

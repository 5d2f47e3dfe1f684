package dev.dawg.dawgclient.system;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.dawg.assets.system.Category;
import dev.dawg.assets.system.Pack;
import dev.dawg.assets.system.SystemSample;

/**
 * The library's samples, packs and categories with the field names the DAWG client reads (its admin panel, file
 * browser and preview player). Fields of DAWG's own server that this server does not keep (a CDN storage key, a
 * pack's price) are left out or given their neutral value.
 */
final class ClientSystemLibraryViews {

    private ClientSystemLibraryViews() {
    }

    static Map<String, Object> sample(SystemSample sample, String basePath) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", sample.id());
        view.put("categoryId", sample.categoryId());
        view.put("category", sample.asset().category());
        view.put("name", sample.name());
        view.put("filename", sample.asset().filename());
        view.put("description", sample.description());
        view.put("storageUrl", basePath + "/assets/system/" + sample.id() + "/file");
        view.put("mimeType", sample.asset().contentType());
        view.put("fileSize", sample.asset().sizeBytes());
        view.put("bpm", sample.bpm());
        view.put("keySignature", sample.key());
        view.put("tags", sample.tags());
        view.put("durationSeconds", sample.asset().durationSeconds());
        view.put("sampleRate", sample.asset().sampleRate());
        view.put("bitDepth", sample.asset().bitDepth());
        view.put("channels", sample.asset().channels());
        view.put("packId", sample.packId());
        view.put("packName", sample.packName());
        view.put("isActive", sample.active());
        view.put("isPremium", sample.premium());
        view.put("isFeatured", sample.featured());
        view.put("usageCount", sample.usageCount());
        view.put("createdAt", sample.asset().createdAt());
        view.put("updatedAt", sample.updatedAt());
        return view;
    }

    static Map<String, Object> pack(Pack pack) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", pack.id());
        view.put("name", pack.name());
        view.put("slug", pack.slug());
        view.put("description", pack.description());
        view.put("isFree", true); // nothing is sold here
        view.put("categoryId", pack.categoryId());
        view.put("tags", pack.tags());
        view.put("assetCount", pack.sampleCount());
        view.put("isActive", pack.active());
        view.put("isFeatured", pack.featured());
        view.put("createdAt", pack.createdAt());
        view.put("updatedAt", pack.updatedAt());
        return view;
    }

    static Map<String, Object> category(Category category) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", category.id());
        view.put("name", category.name());
        view.put("slug", category.slug());
        view.put("description", category.description());
        view.put("sortOrder", category.sortOrder());
        view.put("assetCount", category.sampleCount());
        view.put("createdAt", category.createdAt());
        view.put("updatedAt", category.updatedAt());
        return view;
    }
}

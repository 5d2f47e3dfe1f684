package dev.dawg.processing;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The object keys of an asset's processing outputs: deterministic, so a job done twice writes the same objects,
 * and recorded on the asset before the first is written, so they go with it.
 */
final class ProcessedOutputs {

    /** Zoom levels of the stored peaks, finest first; each a multiple of the finest (coarser ones are merged from it). */
    static final List<Integer> ZOOM_LEVELS = List.of(256, 1024, 4096);

    private ProcessedOutputs() {
    }

    /** Peaks at a zoom level, {@code json} or {@code dat}. */
    static String peaks(UUID assetId, int samplesPerPixel, String format) {
        return "processed/" + assetId + "/peaks-" + samplesPerPixel + "." + format;
    }

    static String preview(UUID assetId) {
        return "processed/" + assetId + "/preview.ogg";
    }

    static List<String> all(UUID assetId) {
        List<String> keys = new ArrayList<>();
        for (int level : ZOOM_LEVELS) {
            keys.add(peaks(assetId, level, "json"));
            keys.add(peaks(assetId, level, "dat"));
        }
        keys.add(preview(assetId));
        return keys;
    }
}

package dev.dawg.assets;

import java.util.Map;
import java.util.UUID;

import reactor.core.publisher.Mono;

/**
 * What an upload into the sample library says of its sample besides the file (its form fields): checked once the body
 * is read and before the file becomes an asset, recorded once it has. The sample library ({@code assets.system}) knows
 * what the fields mean; the upload only carries them.
 */
public interface LibraryEntry {

    /** Checks the upload's form fields: a 400 (or 404) refuses the upload and nothing of it is kept. */
    Mono<Checked> check(Map<String, String> fields);

    /** Form fields found good: the sample's category, and how to record the rest once the asset exists. */
    interface Checked {

        String category();

        /** Records what the fields say of the new library asset; when this fails, the asset must not stay. */
        Mono<Void> record(UUID assetId);
    }
}

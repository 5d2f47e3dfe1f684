package dev.dawg.processing;

import java.util.Locale;
import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.assets.Asset;
import dev.dawg.assets.AssetAccess;
import dev.dawg.assets.ByteRange;
import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.HeadRequestFilter;

/**
 * Reading an asset's processing outputs, under the asset's own access rule: its waveform peaks at a zoom level and its
 * preview (with ranges, as the content route). While the asset is not processed: 409 {@code NOT_PROCESSED} with its
 * processing state (and Retry-After while it may still be), since the asset exists and the outputs will.
 */
@Component
class ProcessedOutputHandler {

    /** Bumped when the outputs of the same audio change (a new analyser), so cached copies are not reused. */
    private static final String OUTPUT_VERSION = "p1";

    private final AssetAccess access;
    private final ObjectStorage storage;

    ProcessedOutputHandler(AssetAccess access, ObjectStorage storage) {
        this.access = access;
        this.storage = storage;
    }

    /** {@code GET /api/assets/{id}/peaks?samplesPerPixel=&format=json|dat}. */
    Mono<ServerResponse> peaks(ServerRequest request, Optional<CurrentUser> caller) {
        return Mono.fromCallable(() -> new PeaksQuery(samplesPerPixel(request), format(request)))
                .flatMap(query -> access.readable(request, caller).flatMap(asset -> {
                    requireProcessed(asset);
                    String etag = "\"" + asset.sha256().substring(0, 32) + "-" + OUTPUT_VERSION + "-" + query.samplesPerPixel() + query.format() + "\"";
                    MediaType type = query.format().equals("json") ? MediaType.APPLICATION_JSON : MediaType.APPLICATION_OCTET_STREAM;
                    return send(request, ProcessedOutputs.peaks(asset.id(), query.samplesPerPixel(), query.format()), etag, type, false);
                }));
    }

    /** {@code GET /api/assets/{id}/preview}: Opus in Ogg, ranges as the content route. */
    Mono<ServerResponse> preview(ServerRequest request, Optional<CurrentUser> caller) {
        return access.readable(request, caller).flatMap(asset -> {
            requireProcessed(asset);
            String etag = "\"" + asset.sha256().substring(0, 32) + "-" + OUTPUT_VERSION + "-preview\"";
            return send(request, ProcessedOutputs.preview(asset.id()), etag, MediaType.parseMediaType("audio/ogg"), true);
        });
    }

    private record PeaksQuery(int samplesPerPixel, String format) {
    }

    private static int samplesPerPixel(ServerRequest request) {
        String value = request.queryParam("samplesPerPixel").orElse(Integer.toString(ProcessedOutputs.ZOOM_LEVELS.get(1)));
        for (int level : ProcessedOutputs.ZOOM_LEVELS) {
            if (Integer.toString(level).equals(value.strip())) {
                return level;
            }
        }
        throw ApiProblem.validation("samplesPerPixel", "must be one of " + ProcessedOutputs.ZOOM_LEVELS);
    }

    private static String format(ServerRequest request) {
        String value = request.queryParam("format").orElse("json").strip().toLowerCase(Locale.ROOT);
        if (!value.equals("json") && !value.equals("dat")) {
            throw ApiProblem.validation("format", "must be json or dat");
        }
        return value;
    }

    private static void requireProcessed(Asset asset) {
        Asset.Processing.State state = asset.processing().state();
        if ("done".equals(state.status())) {
            return;
        }
        ApiProblem problem = ApiProblem.of(HttpStatus.CONFLICT, "NOT_PROCESSED",
                        "failed".equals(state.status()) ? "The asset's processing failed: " + state.error()
                                : "The asset is not processed yet (" + state.status() + ")")
                .with("processing", state);
        throw "failed".equals(state.status()) ? problem : problem.withHeader(HttpHeaders.RETRY_AFTER, "5");
    }

    /** The output's bytes (or the range asked for, when {@code ranges}); 304 when the client has them. */
    private Mono<ServerResponse> send(ServerRequest request, String key, String etag, MediaType type, boolean ranges) {
        if (matches(request.headers().firstHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
            return ServerResponse.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
        }
        return storage.stat(key)
                // Recorded done but the output is gone (removed by hand): as if not processed, not a 500.
                .switchIfEmpty(Mono.error(() -> ApiProblem.of(HttpStatus.CONFLICT, "NOT_PROCESSED", "The asset's processing output is missing")))
                .flatMap(object -> {
                    long size = object.size();
                    String ifRange = request.headers().firstHeader(HttpHeaders.IF_RANGE);
                    Optional<ByteRange> range = !ranges || (ifRange != null && !ifRange.strip().equals(etag)) ? Optional.empty()
                            : ByteRange.parse(request.headers().firstHeader(HttpHeaders.RANGE), size);
                    long first = range.map(ByteRange::first).orElse(0L);
                    long length = range.map(ByteRange::length).orElse(size);
                    ServerResponse.BodyBuilder response = ServerResponse.status(range.isPresent() ? HttpStatus.PARTIAL_CONTENT : HttpStatus.OK)
                            .contentType(type)
                            .contentLength(length)
                            .eTag(etag)
                            .header("X-Content-Type-Options", "nosniff")
                            // As the asset's content: revalidated every time (access may change), cheaply by the ETag.
                            .header(HttpHeaders.CACHE_CONTROL, "private, no-cache");
                    if (ranges) {
                        response.header(HttpHeaders.ACCEPT_RANGES, "bytes");
                    }
                    range.ifPresent(r -> response.header(HttpHeaders.CONTENT_RANGE, r.contentRange(size)));
                    if (HeadRequestFilter.isHead(request) || length == 0) {
                        return response.build();
                    }
                    return response.body(BodyInserters.fromDataBuffers(storage.stream(key, first, length)));
                });
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }
}

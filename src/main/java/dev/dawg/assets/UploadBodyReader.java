package dev.dawg.assets;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

import org.springframework.core.ResolvableType;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.FilePartEvent;
import org.springframework.http.codec.multipart.FormPartEvent;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.http.codec.multipart.PartEventHttpMessageReader;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;

import dev.dawg.platform.web.ApiProblem;

/**
 * Reads a streamed upload's multipart body as events, never buffered to memory or disk: form fields are kept, the
 * one {@code file} part goes to the store as it arrives. The limits bound everything else: a few parts, small
 * headers and form fields.
 */
@Component
class UploadBodyReader {

    private static final ResolvableType PART_EVENT = ResolvableType.forClass(PartEvent.class);
    /** The file and a few form fields; more is refused before it is read. */
    static final int MAX_PARTS = 4;
    /**
     * An upload into the sample library: the file and its metadata fields. The DAWG client's admin form sends the most,
     * eleven fields and the file (issue 17).
     */
    public static final int MAX_LIBRARY_PARTS = 12;

    private final PartEventHttpMessageReader partReader = new PartEventHttpMessageReader();
    private final PartEventHttpMessageReader libraryPartReader = new PartEventHttpMessageReader();
    private final Duration idle;

    UploadBodyReader(AssetProperties properties) {
        this.idle = properties.uploadIdleTimeout();
        limit(partReader, MAX_PARTS, properties);
        limit(libraryPartReader, MAX_LIBRARY_PARTS, properties);
    }

    private static void limit(PartEventHttpMessageReader reader, int maxParts, AssetProperties properties) {
        reader.setMaxParts(maxParts);
        reader.setMaxHeadersSize(8 * 1024);
        reader.setMaxInMemorySize(16 * 1024);
        // A backstop only: the writer refuses at the exact limit first, so the 413 comes from one place.
        reader.setMaxPartSize(properties.maxUploadSize().toBytes() + 1024 * 1024);
    }

    /** What the multipart body held: the stored file and the form fields. */
    static final class Received {
        String filename;
        StreamedObjectWriter.Written written;
        final Map<String, String> fields = new HashMap<>();
    }

    /** Refuses, before a byte of the body is read, a body that is not multipart or has no boundary. */
    static void checkContentType(ServerRequest request) {
        MediaType type = request.headers().contentType().orElse(null);
        if (type == null || !MediaType.MULTIPART_FORM_DATA.isCompatibleWith(type)) {
            throw ApiProblem.unsupportedMediaType("Send the audio as multipart/form-data, in a part named 'file'");
        }
        String boundary = type.getParameter("boundary");
        if (boundary == null || boundary.isBlank()) {
            // Refused here, before the parser touches the body: the connection stays usable (see closingConnection).
            throw ApiProblem.malformed("A multipart/form-data Content-Type needs its boundary parameter");
        }
    }

    /** Reads the parts in order: form fields are kept, the one {@code file} part is streamed to the store by {@code writer}. */
    Mono<Received> read(ServerRequest request, StreamedObjectWriter writer, boolean library) {
        Received received = new Received();
        int maxParts = library ? MAX_LIBRARY_PARTS : MAX_PARTS;
        return events(request, library ? libraryPartReader : partReader).windowUntil(PartEvent::isLast)
                .concatMap(part -> part.switchOnFirst((first, all) -> first.hasValue() ? readPart(first.get(), all, writer, received) : all.then()))
                // A part's headers and a form field (a part without a filename) are held in memory, so they are capped.
                .onErrorMap(DataBufferLimitException.class, ex -> closingConnection(ApiProblem.validation("file",
                        "send the audio as a file part (with a filename); a part's headers are limited to 8 KB and form fields to 16 KB")))
                // Too many parts, or a body that is not well-formed multipart: Spring's parser says so with a DecodingException.
                .onErrorMap(DecodingException.class, ex -> closingConnection(ApiProblem.malformed("The multipart body could not be "
                        + "read: send it well-formed, with at most " + maxParts + " parts (the file and its form fields)")))
                .then(Mono.fromCallable(() -> {
                    if (received.written == null) {
                        throw ApiProblem.validation("file", "is required: send the audio in a multipart part named 'file'");
                    }
                    return received;
                }));
    }

    /** The body's part events, cancelled on the connection's event loop and failed when the client stops sending. */
    private Flux<PartEvent> events(ServerRequest request, PartEventHttpMessageReader reader) {
        Flux<PartEvent> events = request.body((message, context) -> reader.read(PART_EVENT, message, Map.of()));
        // Refusals and store failures happen on other threads; their cancellation must reach the multipart parser
        // on the connection's event loop, where it parses, or both may release the same buffer.
        Scheduler eventLoop = eventLoopOf(request);
        if (eventLoop != null) {
            events = events.cancelOn(eventLoop);
        }
        // A client that stops sending mid-body would otherwise hold its upload (and the node's permit) for as long as
        // it keeps the connection open. The rest of its body is not read: the connection closes after the answer.
        return ReceiveTimeout.of(events, idle, () -> closingConnection(ApiProblem.of(HttpStatus.REQUEST_TIMEOUT, "REQUEST_TIMEOUT",
                "Nothing of the upload arrived for " + idle.toSeconds() + " s; send it again")));
    }

    /** One part, {@code first} its first event: the file is written, a form field kept, anything else dropped. */
    private static Mono<Void> readPart(PartEvent first, Flux<PartEvent> all, StreamedObjectWriter writer, Received received) {
        if (first instanceof FilePartEvent file) {
            if (!"file".equals(file.name()) || received.written != null) {
                return release(all).then(Mono.error(ApiProblem.validation("file", "send exactly one file, in the part named 'file'")));
            }
            received.filename = file.filename();
            return writer.write(all.map(PartEvent::content)).doOnNext(written -> received.written = written).then();
        }
        if (first instanceof FormPartEvent form) {
            received.fields.put(form.name(), form.value());
        }
        return release(all);
    }

    /**
     * A refusal by the multipart parser leaves the rest of the body unread, and the parser's abandoned buffers have
     * been seen to trip a reference-count error on the connection (a later request on it was then cut): the
     * connection is closed after the answer so that no other request of the client can land on it. (A missing
     * boundary is refused before the parser starts, without closing: a close while the client is still sending a
     * large body resets the connection, and the client can lose the answer itself.)
     */
    private static ApiProblem closingConnection(ApiProblem problem) {
        return problem.withHeader(HttpHeaders.CONNECTION, "close");
    }

    /** The event loop of the request's connection (Reactor Netty), or null on another server. */
    private static Scheduler eventLoopOf(ServerRequest request) {
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request.exchange().getRequest());
        return nativeRequest instanceof Connection connection ? Schedulers.fromExecutor(connection.channel().eventLoop()) : null;
    }

    private static Mono<Void> release(Flux<PartEvent> events) {
        return events.doOnNext(event -> DataBufferUtils.release(event.content())).then();
    }
}

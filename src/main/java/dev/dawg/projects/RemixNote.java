package dev.dawg.projects;

import java.util.Set;

import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.web.reactive.function.server.ServerRequest;

import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;

/**
 * What a remixer says about their remix: what they changed and whom they credit, each optional. Stored with the
 * remix in the statement that creates it, and shown on the remix as {@code remix: {changesSummary, credits}}.
 *
 * @param changesSummary at most {@link #MAX_SUMMARY} characters, or null
 * @param credits at most {@link #MAX_CREDITS} characters, or null
 */
public record RemixNote(String changesSummary, String credits) {

    public static final int MAX_SUMMARY = 1000;
    public static final int MAX_CREDITS = 500;

    /** No note: a remix made without a body. */
    public static final RemixNote NONE = new RemixNote(null, null);

    private static final Set<String> MEMBERS = Set.of("changesSummary", "credits");

    /**
     * The note in a remix request's body. A request without a content type and without a length (a bodiless remix, as
     * before notes) has none; any other body must be a JSON object (else 415/400 as for every body).
     */
    public static Mono<RemixNote> of(ServerRequest request, JsonBodies bodies) {
        ServerRequest.Headers headers = request.headers();
        if (headers.contentType().isEmpty() && headers.contentLength().orElse(0) == 0) {
            return Mono.just(NONE);
        }
        return bodies.object(request).map(RemixNote::read);
    }

    /** The note in a remix body; absent, null or empty members are no note, unknown members a 400. */
    public static RemixNote read(ObjectNode body) {
        JsonFields fields = JsonFields.of(body).allowOnly(MEMBERS);
        String summary = fields.optionalString("changesSummary", 0, MAX_SUMMARY).filter(text -> !text.isEmpty()).orElse(null);
        String credits = fields.optionalString("credits", 0, MAX_CREDITS).filter(text -> !text.isEmpty()).orElse(null);
        fields.validate();
        return new RemixNote(summary, credits);
    }

    boolean isEmpty() {
        return changesSummary == null && credits == null;
    }
}

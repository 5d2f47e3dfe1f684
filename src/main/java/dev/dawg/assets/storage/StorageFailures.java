package dev.dawg.assets.storage;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.ServerException;

import org.springframework.http.HttpStatus;

import dev.dawg.platform.web.DependencyUnavailableException;

/**
 * How a failed store call reads to its callers: a store that could not be reached, did not answer in time, cut the
 * connection or answered 5xx is unavailable (503, and cleanup is left to the sweep); a missing object is an
 * answer about the request.
 */
public final class StorageFailures {

    private static final String UNAVAILABLE = "Audio storage is unavailable at the moment; retry shortly";
    private static final Set<String> MISSING = Set.of("NoSuchKey", "NoSuchObject", "NoSuchUpload", "ResourceNotFound");

    private StorageFailures() {
    }

    static DependencyUnavailableException unavailable(Throwable cause) {
        return new DependencyUnavailableException(UNAVAILABLE, cause);
    }

    /** The failure as callers should see it: transport failures become {@link DependencyUnavailableException}, others stay. */
    static Throwable translate(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return isTransportFailure(cause) && !(cause instanceof DependencyUnavailableException) ? unavailable(cause) : cause;
    }

    /**
     * Whether the failure came from the store being unreachable. Every store call translates such failures (see
     * {@link #translate}), so this looks for the translation alone: an I/O error of another kind (a client that
     * went away mid-upload) is not the store's.
     */
    public static boolean isUnreachable(Throwable failure) {
        return causes(failure).anyMatch(DependencyUnavailableException.class::isInstance);
    }

    /** Whether a failure of a store call is the store being unreachable, rather than an answer about the request. */
    private static boolean isTransportFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DependencyUnavailableException) {
                return true;
            }
            if (t instanceof ErrorResponseException error) {
                return error.response() != null && error.response().code() >= 500;
            }
            if (t instanceof ServerException || t instanceof IOException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Whether a failure means the object (or multipart upload) does not exist. */
    static boolean isMissing(Throwable failure) {
        return causes(failure).filter(ErrorResponseException.class::isInstance).map(ErrorResponseException.class::cast).findFirst()
                .map(error -> error.errorResponse() != null && MISSING.contains(Objects.toString(error.errorResponse().code(), ""))
                        || error.response() != null && error.response().code() == HttpStatus.NOT_FOUND.value())
                .orElse(false);
    }

    /** The first store-side failure behind a wrapped one, for logs. */
    static Optional<String> describe(Throwable failure) {
        return causes(failure).filter(t -> t instanceof ErrorResponseException error && error.errorResponse() != null)
                .map(t -> ((ErrorResponseException) t).errorResponse())
                .map(response -> response.code() + ": " + response.message())
                .findFirst();
    }

    /** The failure and its causes, outermost first. */
    private static Stream<Throwable> causes(Throwable failure) {
        return Stream.iterate(failure, Objects::nonNull, Throwable::getCause);
    }
}

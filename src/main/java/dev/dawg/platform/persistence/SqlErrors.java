package dev.dawg.platform.persistence;

import java.util.Optional;

import io.r2dbc.postgresql.api.ErrorDetails;
import io.r2dbc.postgresql.api.PostgresqlException;

/** Reads PostgreSQL's error details (SQLSTATE, constraint) out of whatever exception wraps them. */
public final class SqlErrors {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String FOREIGN_KEY_VIOLATION = "23503";
    /** character_not_in_repertoire (a NUL in text) and untranslatable_character (a NUL escape in JSONB). */
    private static final java.util.Set<String> UNSTORABLE_TEXT = java.util.Set.of("22021", "22P05");
    /** invalid_text_representation (e.g. an unpaired surrogate escape) and numeric_value_out_of_range (1e999999999). */
    private static final java.util.Set<String> REFUSED_JSON = java.util.Set.of("22P02", "22003");

    private SqlErrors() {
    }

    /** The name of the unique constraint a failed insert or update ran into, if that is what happened. */
    public static Optional<String> uniqueViolation(Throwable failure) {
        return details(failure).filter(d -> UNIQUE_VIOLATION.equals(d.getCode())).map(d -> d.getConstraintName().orElse(""));
    }

    public static boolean isForeignKeyViolation(Throwable failure) {
        return details(failure).filter(d -> FOREIGN_KEY_VIOLATION.equals(d.getCode())).isPresent();
    }

    /** True when PostgreSQL refused a value the client sent as text it cannot hold (e.g. a NUL character). */
    public static boolean isUnstorableText(Throwable failure) {
        return details(failure).filter(d -> UNSTORABLE_TEXT.contains(d.getCode())).isPresent();
    }

    /**
     * True when PostgreSQL refused JSON text as jsonb does (a jsonb parameter, or V20's dawg_document). Only meaningful
     * for a statement whose other parameters are typed values, so that the JSON is the one thing the failure can be about.
     */
    public static boolean isRefusedJson(Throwable failure) {
        return details(failure).filter(d -> REFUSED_JSON.contains(d.getCode())).isPresent();
    }

    private static Optional<ErrorDetails> details(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PostgresqlException postgres) {
                return Optional.of(postgres.getErrorDetails());
            }
        }
        return Optional.empty();
    }
}

package dev.dawg.projects.patch;

import java.util.Locale;
import java.util.Objects;

import tools.jackson.databind.JsonNode;

/**
 * One RFC 6902 operation. Values are held by reference to the parsed patch tree; applying a patch
 * inserts copies, so documents produced by {@link JsonPatch#apply} never share nodes with the patch.
 */
public sealed interface PatchOperation {

    /** The op name as it appears in the patch ({@code "add"}, {@code "remove"}, ...): the record's name. */
    default String op() {
        return getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    /** The target location ({@code path} member). */
    JsonPointer path();

    /** {@code add}: insert into an array, set an object member, or replace the whole document. */
    record Add(JsonPointer path, JsonNode value) implements PatchOperation {
        public Add {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(value, "value");
        }
    }

    /** {@code remove}: delete an existing value. */
    record Remove(JsonPointer path) implements PatchOperation {
        public Remove {
            Objects.requireNonNull(path, "path");
        }
    }

    /** {@code replace}: overwrite an existing value. */
    record Replace(JsonPointer path, JsonNode value) implements PatchOperation {
        public Replace {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * {@code move}: remove the value at {@code from} and add it at {@code path}. Throws {@link PatchException}
     * ({@code MALFORMED_PATCH}) if {@code from} is a proper prefix of {@code path}, whatever the document.
     */
    record Move(JsonPointer from, JsonPointer path) implements PatchOperation {
        public Move {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(path, "path");
            if (from.isProperPrefixOf(path)) {
                throw new PatchException(PatchException.Reason.MALFORMED_PATCH, path.toString(),
                        "cannot move " + (from.isRoot() ? "the whole document" : PatchException.echo(from.toString()))
                                + " into its own child " + PatchException.echo(path.toString()));
            }
        }
    }

    /** {@code copy}: add a copy of the value at {@code from} at {@code path}. */
    record Copy(JsonPointer from, JsonPointer path) implements PatchOperation {
        public Copy {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(path, "path");
        }
    }

    /** {@code test}: require the value at {@code path} to equal {@code value} (numbers by value). */
    record Test(JsonPointer path, JsonNode value) implements PatchOperation {
        public Test {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(value, "value");
        }
    }
}

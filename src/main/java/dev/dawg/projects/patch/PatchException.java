package dev.dawg.projects.patch;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** Rejection of a JSON Patch or JSON Merge Patch, carrying a machine-readable {@link Reason}. */
public final class PatchException extends RuntimeException {

    private static final int MAX_ECHO_LENGTH = 200;

    /** Why a patch was rejected; each reason maps to one HTTP status. */
    public enum Reason {
        /** The patch itself is invalid: structure, unknown op, missing members, pointer syntax, limits. */
        MALFORMED_PATCH(400),
        /** A pointer names a location that does not exist in the document. */
        PATH_NOT_FOUND(422),
        /** A pointer cannot address into the value it meets: a scalar, or a non-index token on an array. */
        INVALID_TARGET(422),
        /** A {@code test} operation found a different value. */
        TEST_FAILED(409),
        /** Applying the patch would make the document larger than its limit, or take more work than a patch may. */
        TOO_LARGE(413);

        private final int httpStatus;

        Reason(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        /** The HTTP status a web layer should answer with. */
        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Reason reason;
    private final int operationIndex;
    private final String operation;
    private final String pointer;
    private final String detail;

    PatchException(Reason reason, String pointer, String detail) {
        this(reason, -1, null, pointer, detail);
    }

    private PatchException(Reason reason, int operationIndex, String operation, String pointer, String detail) {
        // No stack trace: rejections are expected outcomes of client input, and may be frequent under abuse.
        super(message(operationIndex, operation, detail), null, false, false);
        this.reason = Objects.requireNonNull(reason);
        this.operationIndex = operationIndex;
        this.operation = operation;
        this.pointer = pointer;
        this.detail = detail;
    }

    /** The same failure attributed to the operation at {@code index} (zero-based) with the given op name. */
    PatchException atOperation(int index, String op) {
        return new PatchException(reason, index, op, pointer, detail);
    }

    public Reason reason() {
        return reason;
    }

    /** Zero-based index of the failing operation in the patch array, if the failure belongs to one. */
    public OptionalInt operationIndex() {
        return operationIndex < 0 ? OptionalInt.empty() : OptionalInt.of(operationIndex);
    }

    /** The op name ("add", "test", ...) of the failing operation, if known. */
    public Optional<String> operation() {
        return Optional.ofNullable(operation);
    }

    /** The JSON Pointer (as written in the patch) the failure concerns, if any. */
    public Optional<String> pointer() {
        return Optional.ofNullable(pointer);
    }

    private static String message(int index, String op, String detail) {
        if (index < 0) {
            return detail;
        }
        return op == null
                ? "operation " + index + ": " + detail
                : "operation " + index + " (" + op + "): " + detail;
    }

    /** Client-supplied text made safe to embed in a message: bounded length, no control characters. */
    static String echo(String text) {
        String bounded = text.length() > MAX_ECHO_LENGTH ? text.substring(0, MAX_ECHO_LENGTH) + "..." : text;
        StringBuilder out = new StringBuilder(bounded.length());
        bounded.codePoints().forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return out.toString();
    }
}

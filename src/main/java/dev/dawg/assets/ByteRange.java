package dev.dawg.assets;

import java.util.Optional;

import org.springframework.http.HttpStatus;

import dev.dawg.platform.web.ApiProblem;

/**
 * One byte range of a download (RFC 9110 §14): {@code bytes=first-last}, {@code bytes=first-} or the suffix
 * {@code bytes=-length}. A header the server does not understand, or one asking for several ranges, is ignored
 * (the whole file is sent, as the RFC allows); a range that starts past the end is a 416. Used by the asset content
 * route and the processing preview route.
 */
public record ByteRange(long first, long last) {

    public long length() {
        return last - first + 1;
    }

    public String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /** The range asked for in {@code header} of a file of {@code size} bytes; empty means the whole file. */
    public static Optional<ByteRange> parse(String header, long size) {
        if (header == null) {
            return Optional.empty();
        }
        String value = header.strip();
        if (!value.regionMatches(true, 0, "bytes=", 0, 6) || value.indexOf(',') >= 0) {
            return Optional.empty();
        }
        String spec = value.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        String from = spec.substring(0, dash).strip();
        String to = spec.substring(dash + 1).strip();
        if (from.isEmpty()) {
            long suffix = number(to);
            if (suffix < 0) {
                return Optional.empty();
            }
            if (suffix == 0) {
                throw unsatisfiable(size);
            }
            return Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1));
        }
        long first = number(from);
        long last = to.isEmpty() ? Long.MAX_VALUE : number(to);
        if (first < 0 || last < 0 || last < first) {
            return Optional.empty();
        }
        if (first >= size) {
            throw unsatisfiable(size);
        }
        return Optional.of(new ByteRange(first, Math.min(last, size - 1)));
    }

    /** A non-negative decimal; -1 when it is not one. Numbers too large for a long stand for "past any end". */
    private static long number(String digits) {
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    static ApiProblem unsatisfiable(long size) {
        return ApiProblem.of(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "RANGE_NOT_SATISFIABLE",
                        "The range starts past the end of the " + size + "-byte file")
                .withHeader("Content-Range", "bytes */" + size);
    }
}

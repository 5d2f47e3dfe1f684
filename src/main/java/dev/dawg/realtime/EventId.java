package dev.dawg.realtime;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code eventId} of a project's event: the id Redis gave its entry in the project's history stream
 * ({@code <milliseconds>-<sequence>}), so ids order the events of one project. Clients treat it as opaque.
 */
record EventId(long millis, long sequence) implements Comparable<EventId> {

    /** Before every event: a history that starts here holds the project's events since it began. */
    static final EventId ZERO = new EventId(0, 0);

    private static final Pattern FORMAT = Pattern.compile("\\d{1,19}-\\d{1,19}");

    /** The id, or empty when the text is not one (a client's {@code lastEventId} is checked with this). */
    static Optional<EventId> parse(String text) {
        if (text == null || !FORMAT.matcher(text).matches()) {
            return Optional.empty();
        }
        int dash = text.indexOf('-');
        try {
            return Optional.of(new EventId(Long.parseLong(text, 0, dash, 10), Long.parseLong(text, dash + 1, text.length(), 10)));
        }
        catch (NumberFormatException ex) {
            return Optional.empty();
        }
    }

    /** An id Redis itself produced. */
    static EventId of(String text) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException("Not a stream id: " + text));
    }

    boolean isAfter(EventId other) {
        return compareTo(other) > 0;
    }

    static EventId max(EventId a, EventId b) {
        return a == null ? b : b == null || !b.isAfter(a) ? a : b;
    }

    @Override
    public int compareTo(EventId other) {
        int byMillis = Long.compareUnsigned(millis, other.millis);
        return byMillis != 0 ? byMillis : Long.compareUnsigned(sequence, other.sequence);
    }

    @Override
    public String toString() {
        return millis + "-" + sequence;
    }
}

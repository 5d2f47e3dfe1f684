package dev.dawg.trending;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * A trending period: activity within its window counts, halving in weight every half-life (a like an hour ago
 * outweighs one yesterday in the day's ranking, hardly in the month's).
 */
public enum TrendingPeriod {

    DAY("day", Duration.ofDays(1), Duration.ofHours(6)),
    WEEK("week", Duration.ofDays(7), Duration.ofDays(2)),
    MONTH("month", Duration.ofDays(30), Duration.ofDays(7));

    /** The origin of the forward-decay exponents; any fixed instant does. */
    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private final String wireName;
    private final Duration window;
    private final Duration halfLife;

    TrendingPeriod(String wireName, Duration window, Duration halfLife) {
        this.wireName = wireName;
        this.window = window;
        this.halfLife = halfLife;
    }

    public String wireName() {
        return wireName;
    }

    Duration window() {
        return window;
    }

    /** log2 of the forward-decay factor of activity at {@code at}: (at − epoch) / half-life. */
    double exponent(Instant at) {
        return Duration.between(EPOCH, at).toMillis() / (double) halfLife.toMillis();
    }

    public static Optional<TrendingPeriod> parse(String name) {
        return Arrays.stream(values()).filter(period -> period.wireName.equals(name)).findFirst();
    }
}

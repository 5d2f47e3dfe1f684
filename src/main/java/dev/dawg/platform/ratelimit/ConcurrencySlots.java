package dev.dawg.platform.ratelimit;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each key's share of something a node holds open at once: WebSockets per client address
 * ({@code DAWG_REALTIME_MAX_CONNECTIONS_PER_ADDRESS}), uploads per user. A slot is taken before the work starts and
 * given back exactly once, by whoever holds it when the work ends.
 * (A counter map of our own: the count must follow live work, which no rate limiter's window does; keys with
 * nothing running leave nothing behind.)
 */
public final class ConcurrencySlots<K> {

    private final int limit;
    private final Map<K, Integer> taken = new ConcurrentHashMap<>();

    public ConcurrencySlots(int limit) {
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }

    /** A slot for one more piece of work of {@code key}, or empty when it holds as many as it may. */
    public Optional<Slot> take(K key) {
        boolean[] granted = new boolean[1];
        taken.compute(key, (ignored, count) -> {
            int current = count == null ? 0 : count;
            if (current >= limit) {
                return count;
            }
            granted[0] = true;
            return current + 1;
        });
        return granted[0] ? Optional.of(new Slot(key)) : Optional.empty();
    }

    /** Slots currently taken for {@code key}. */
    public int count(K key) {
        return taken.getOrDefault(key, 0);
    }

    private void giveBack(K key) {
        taken.computeIfPresent(key, (ignored, count) -> count > 1 ? count - 1 : null);
    }

    /** One piece of work's place: may be handed over once (a handshake to its connection), given back once. */
    public final class Slot {

        private static final int RESERVED = 0;
        private static final int OWNED = 1;
        private static final int RELEASED = 2;

        private final K key;
        private final AtomicInteger state = new AtomicInteger(RESERVED);

        private Slot(K key) {
            this.key = key;
        }

        /** The work started and now owns the slot (a connection opened); false if it was already given back. */
        public boolean handOver() {
            return state.compareAndSet(RESERVED, OWNED);
        }

        /** The start failed or was abandoned before the work took the slot (a handshake that went no further). */
        public void releaseUnlessHandedOver() {
            if (state.compareAndSet(RESERVED, RELEASED)) {
                giveBack(key);
            }
        }

        /** The work ended; a second call does nothing. */
        public void release() {
            int previous = state.getAndSet(RELEASED);
            if (previous != RELEASED) {
                giveBack(key);
            }
        }
    }
}

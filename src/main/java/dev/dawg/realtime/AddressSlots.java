package dev.dawg.realtime;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each client address's share of a node's WebSockets ({@code DAWG_REALTIME_MAX_CONNECTIONS_PER_ADDRESS}), so
 * that one address cannot take every connection the node has. A slot is taken at the handshake, before anything
 * is upgraded, and given back exactly once: by the handshake if it fails, else by the connection when it ends.
 * (A counter map of our own: the count must follow live sockets, which no rate limiter's window does.)
 */
final class AddressSlots {

    private final int perAddress;
    private final Map<String, Integer> taken = new ConcurrentHashMap<>();

    AddressSlots(int perAddress) {
        this.perAddress = perAddress;
    }

    int perAddress() {
        return perAddress;
    }

    /** A slot for one more connection from {@code address}, or empty when it holds as many as it may. */
    Optional<Slot> take(String address) {
        boolean[] granted = new boolean[1];
        taken.compute(address, (key, count) -> {
            int current = count == null ? 0 : count;
            if (current >= perAddress) {
                return count;
            }
            granted[0] = true;
            return current + 1;
        });
        return granted[0] ? Optional.of(new Slot(address)) : Optional.empty();
    }

    /** Connections currently counted for {@code address}. */
    int count(String address) {
        return taken.getOrDefault(address, 0);
    }

    private void giveBack(String address) {
        taken.computeIfPresent(address, (key, count) -> count > 1 ? count - 1 : null);
    }

    /** One connection's place: handed over to the connection once it opens, given back once. */
    final class Slot {

        private static final int RESERVED = 0;
        private static final int OWNED = 1;
        private static final int RELEASED = 2;

        private final String address;
        private final AtomicInteger state = new AtomicInteger(RESERVED);

        private Slot(String address) {
            this.address = address;
        }

        /** The connection opened and now owns the slot; false if its handshake already gave it back. */
        boolean handOver() {
            return state.compareAndSet(RESERVED, OWNED);
        }

        /** The handshake failed or was abandoned before a connection took the slot. */
        void releaseUnlessHandedOver() {
            if (state.compareAndSet(RESERVED, RELEASED)) {
                giveBack(address);
            }
        }

        /** The connection ended. */
        void release() {
            int previous = state.getAndSet(RELEASED);
            if (previous != RELEASED) {
                giveBack(address);
            }
        }
    }
}

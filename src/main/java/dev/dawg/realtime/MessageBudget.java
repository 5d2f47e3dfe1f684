package dev.dawg.realtime;

/**
 * A connection's budget of client messages (a token bucket): {@code DAWG_REALTIME_MESSAGE_RATE} a second, in
 * bursts of up to {@code DAWG_REALTIME_MESSAGE_BURST}. A message past it is refused; a client that goes on
 * sending through a whole burst of refusals has exhausted it.
 */
final class MessageBudget {

    private final int rate;
    private final int burst;
    private double tokens;
    private long tokensAt = System.nanoTime();
    private int refusals;

    MessageBudget(RealtimeProperties settings) {
        this.rate = settings.messageRate();
        this.burst = settings.messageBurst();
        this.tokens = burst;
    }

    /** Takes a message's token; false, and one more refusal, when none is left. */
    synchronized boolean take() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - tokensAt) / 1e9 * rate);
        tokensAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            refusals = 0;
            return true;
        }
        refusals++;
        return false;
    }

    synchronized boolean exhausted() {
        return refusals > burst;
    }
}

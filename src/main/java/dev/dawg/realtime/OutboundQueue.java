package dev.dawg.realtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

/**
 * What one connection sends, queued for it alone and bounded in frames and bytes. Nothing waits for a slow
 * client: past either limit it is closed (1013) and reconnects with {@code lastEventId}. Once the connection
 * closes nothing more is queued, and the close frame follows what is already on its way.
 */
final class OutboundQueue {

    private static final Logger log = LoggerFactory.getLogger(OutboundQueue.class);

    static final CloseStatus TOO_SLOW = new CloseStatus(1013, "Too slow: reconnect with lastEventId");

    enum Kind { EVENT, REPLAYED, CONTROL, PING }

    private record Frame(Kind kind, byte[] bytes) {
    }

    private final WebSocketSession session;
    private final RealtimeProperties settings;
    private final RealtimeMetrics metrics;
    private final Sinks.Many<Frame> frames = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.One<Boolean> stopped = Sinks.one();
    private final AtomicInteger queuedMessages = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile boolean closing;
    private volatile CloseStatus closeStatus;
    private volatile long closingSince;

    OutboundQueue(WebSocketSession session, RealtimeProperties settings, RealtimeMetrics metrics) {
        this.session = session;
        this.settings = settings;
        this.metrics = metrics;
    }

    /** What the session sends: the queue, until the connection is closed (then nothing more is sent). */
    Flux<WebSocketMessage> frames() {
        return frames.asFlux()
                .takeUntilOther(stopped.asMono())
                .map(frame -> {
                    dequeued(frame.bytes().length);
                    if (frame.kind() == Kind.PING) {
                        return session.pingMessage(factory -> factory.wrap(frame.bytes()));
                    }
                    if (frame.kind() != Kind.CONTROL) {
                        metrics.sent(frame.kind() == Kind.REPLAYED);
                    }
                    return new WebSocketMessage(WebSocketMessage.Type.TEXT, session.bufferFactory().wrap(frame.bytes()));
                });
    }

    void reply(byte[] message) {
        send(Kind.CONTROL, message);
    }

    /** Queues a frame; past the limit the client is too slow and is closed instead. */
    void send(Kind kind, byte[] bytes) {
        if (!offer(kind, bytes)) {
            // Outside this monitor: the close runs on into the session and may release the connection's feeds,
            // whose monitor may be waiting for this one.
            tooSlow();
        }
    }

    private synchronized boolean offer(Kind kind, byte[] bytes) {
        if (closing) {
            return true;
        }
        int count = queuedMessages.incrementAndGet();
        long total = queuedBytes.addAndGet(bytes.length);
        if (count > settings.maxQueuedMessages() || total > settings.maxQueuedBytes().toBytes()) {
            dequeued(bytes.length);
            return false;
        }
        if (frames.tryEmitNext(new Frame(kind, bytes)).isFailure()) {
            dequeued(bytes.length);
        }
        return true;
    }

    private void dequeued(int bytes) {
        queuedMessages.decrementAndGet();
        queuedBytes.addAndGet(-bytes);
    }

    /** Whether this many more frames fit the queue (a replay that would not is answered with a resync instead). */
    boolean fits(int count, long bytes) {
        return queuedMessages.get() + count < settings.maxQueuedMessages()
                && queuedBytes.get() + bytes < settings.maxQueuedBytes().toBytes();
    }

    /** The client falls too far behind (frames, or events not yet taken up): it is closed with 1013. */
    void tooSlow() {
        close(TOO_SLOW, "slow_consumer");
    }

    /**
     * Closes with this status: nothing more is queued, the close frame follows what is already on its way, and a
     * connection that does not finish closing within {@code DAWG_REALTIME_CLOSE_TIMEOUT} is cut (see
     * {@link #closingSince()}).
     */
    void close(CloseStatus status, String dropReason) {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            closeStatus = status;
        }
        closingSince = System.nanoTime() | 1;
        if (dropReason != null) {
            metrics.dropped(dropReason);
            log.debug("Closing connection {} ({}): {}", session.getId(), dropReason, status);
        }
        stopped.tryEmitValue(Boolean.TRUE);
    }

    /** The client closed, or the inbound side failed: stop sending too, without a close frame of ours. */
    void stop() {
        synchronized (this) {
            closing = true;
        }
        if (closingSince == 0) {
            closingSince = System.nanoTime() | 1;
        }
        stopped.tryEmitValue(Boolean.TRUE);
    }

    boolean closing() {
        return closing;
    }

    /** When the connection began closing ({@link System#nanoTime()}), or 0 while it is open. */
    long closingSince() {
        return closingSince;
    }

    /** The close frame to send once the outbound side has stopped: ours if we closed, none if the client did. */
    Mono<Void> closeFrame() {
        CloseStatus status = closeStatus;
        return status == null ? Mono.empty() : session.close(status);
    }
}

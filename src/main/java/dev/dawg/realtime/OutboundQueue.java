package dev.dawg.realtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
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
 *
 * <p>With the connection's Netty channel (every real connection), frames are encoded WebSocket frames written
 * straight to the channel on its own event loop: an event's frame is encoded once per node and each connection
 * writes a retained duplicate of it ({@link #liveEvent}), with no operator chain per message, and each channel is
 * flushed once per run of its event loop's tasks ({@link Flusher}), not once per frame. The bound counts what
 * waits here and what Netty holds for the channel (written, not yet in the socket). Without a channel (unit tests
 * of the hub's state machines) the same frames go out through {@link #frames()} instead.
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

    // ---- the direct path (a Netty channel)

    private final Channel channel;
    /** Encoded frames not yet written to the channel, in order; guarded by this. Only the event loop takes them. */
    private final ArrayDeque<ByteBuf> waiting = new ArrayDeque<>();
    private long waitingBytes;
    private boolean drainScheduled;
    /** Event loop only: a drain in progress (a write that calls back in does not start another). */
    private boolean draining;
    /** Frames written since the last flush: event loop only (read elsewhere as an estimate). */
    private int unflushed;
    /** Event loop only: this queue is in its loop's {@link Flusher}. */
    private boolean flushDue;
    /** Event loop only: the event being fanned out on this loop now, and its frame encoded once for all. */
    private PublishedEvent liveEvent;
    private ByteBuf liveFrame;

    OutboundQueue(WebSocketSession session, RealtimeProperties settings, RealtimeMetrics metrics) {
        this(session, null, settings, metrics);
    }

    OutboundQueue(WebSocketSession session, Channel channel, RealtimeProperties settings, RealtimeMetrics metrics) {
        this.session = session;
        this.channel = channel;
        this.settings = settings;
        this.metrics = metrics;
    }

    /** Whether frames go straight to the Netty channel ({@link #sent()}), else through {@link #frames()}. */
    boolean direct() {
        return channel != null;
    }

    /** Direct path: completes once the queue has stopped (on the event loop, after what was queued was written). */
    Mono<Void> sent() {
        return stopped.asMono().then();
    }

    /** Without a channel, what the session sends: the queue, until the connection is closed. */
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

    /**
     * Queues an event's frame: the frame encoded once for every connection while the event is fanned out on this
     * connection's event loop ({@link #sharing}), else its own.
     */
    void sendEvent(Kind kind, PublishedEvent event) {
        if (channel != null && event == liveEvent && kind == Kind.EVENT && channel.eventLoop().inEventLoop()) {
            if (!write(kind, liveFrame.retainedDuplicate())) {
                tooSlow();
            }
            return;
        }
        send(kind, event.wire());
    }

    /** Queues a frame; past the limit the client is too slow and is closed instead. */
    void send(Kind kind, byte[] bytes) {
        boolean queued;
        if (channel == null) {
            queued = offer(kind, bytes);
        }
        else {
            queued = closing || write(kind, kind == Kind.PING ? WebSocketFrames.ping(channel.alloc())
                    : WebSocketFrames.text(channel.alloc(), bytes));
        }
        if (!queued) {
            // Outside this monitor: the close runs on into the session and may release the connection's feeds,
            // whose monitor may be waiting for this one.
            tooSlow();
        }
    }

    /**
     * While {@code event} is fanned out on this connection's event loop (the caller holds a reference to
     * {@code frame} until it calls this again with nulls), its frame is written as this shared one.
     */
    void sharing(PublishedEvent event, ByteBuf frame) {
        liveEvent = event;
        liveFrame = frame;
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

    /** Direct path: queues an encoded frame (taking over the reference) and writes it now if on the event loop. */
    private boolean write(Kind kind, ByteBuf frame) {
        int size = frame.readableBytes();
        boolean onLoop = channel.eventLoop().inEventLoop();
        synchronized (this) {
            if (closing) {
                frame.release();
                return true;
            }
            if (waiting.size() + 1 + framesInChannel() > settings.maxQueuedMessages()
                    || waitingBytes + size + bytesInChannel() > settings.maxQueuedBytes().toBytes()) {
                frame.release();
                return false;
            }
            waiting.addLast(frame);
            waitingBytes += size;
            if (!onLoop && !drainScheduled) {
                // Scheduled under the monitor, so a close that follows queues its close frame after this drain.
                drainScheduled = true;
                onLoop(this::scheduledDrain);
            }
        }
        if (kind == Kind.EVENT || kind == Kind.REPLAYED) {
            metrics.sent(kind == Kind.REPLAYED);
        }
        if (onLoop) {
            drain();
        }
        return true;
    }

    /** Frames Netty holds for the channel: flushed and not yet in the socket, and written since the last flush. */
    private int framesInChannel() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return (buffer == null ? 0 : buffer.size()) + unflushed;
    }

    /** Bytes Netty holds for the channel, written or flushed and not yet in the socket (with its per-frame overhead). */
    private long bytesInChannel() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    private void scheduledDrain() {
        synchronized (this) {
            drainScheduled = false;
        }
        drain();
    }

    /** On the event loop: writes what waits, in order, and has the channel flushed at the end of this run of tasks. */
    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            ByteBuf frame;
            while ((frame = next()) != null) {
                if (channel.isActive()) {
                    channel.write(frame, channel.voidPromise());
                    unflushed++;
                }
                else {
                    frame.release();
                }
            }
        }
        finally {
            draining = false;
        }
        if (unflushed > 0) {
            Flusher.of(channel.eventLoop()).add(this);
        }
    }

    private synchronized ByteBuf next() {
        ByteBuf frame = waiting.pollFirst();
        if (frame != null) {
            waitingBytes -= frame.readableBytes();
        }
        return frame;
    }

    private void flush() {
        unflushed = 0;
        channel.flush();
    }

    private void onLoop(Runnable work) {
        try {
            channel.eventLoop().execute(work);
        }
        catch (RejectedExecutionException ex) {
            // The server is shutting down: the connection goes with it (stop() releases what waits).
        }
    }

    /** Whether this many more frames fit the queue (a replay that would not is answered with a resync instead). */
    boolean fits(int count, long bytes) {
        if (channel == null) {
            return queuedMessages.get() + count < settings.maxQueuedMessages()
                    && queuedBytes.get() + bytes < settings.maxQueuedBytes().toBytes();
        }
        synchronized (this) {
            return waiting.size() + count + framesInChannel() < settings.maxQueuedMessages()
                    && waitingBytes + bytes + bytesInChannel() < settings.maxQueuedBytes().toBytes();
        }
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
        if (channel == null) {
            stopped.tryEmitValue(Boolean.TRUE);
        }
        else if (channel.eventLoop().inEventLoop()) {
            drainAndStop();
        }
        else {
            try {
                channel.eventLoop().execute(this::drainAndStop);
            }
            catch (RejectedExecutionException ex) {
                stop();
            }
        }
    }

    /** On the event loop: what was queued before the close is written, then the close frame may follow. */
    private void drainAndStop() {
        drain();
        stopped.tryEmitValue(Boolean.TRUE);
    }

    /** The client closed, or the inbound side failed: stop sending too, without a close frame of ours. */
    void stop() {
        List<ByteBuf> dropped;
        synchronized (this) {
            closing = true;
            dropped = new ArrayList<>(waiting);
            waiting.clear();
            waitingBytes = 0;
        }
        dropped.forEach(ByteBuf::release);
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

    /**
     * One per event loop: the channels written to during the current run of the loop's tasks, flushed together
     * by one task queued behind them, so a channel that gets many frames in one run (events in a burst, a replay)
     * costs one flush, and a fan-out to many channels costs one task for all their flushes.
     */
    private static final class Flusher implements Runnable {

        private static final FastThreadLocal<Flusher> CURRENT = new FastThreadLocal<>();

        private final EventLoop loop;
        private List<OutboundQueue> due = new ArrayList<>();
        private List<OutboundQueue> flushing = new ArrayList<>();
        private boolean scheduled;

        private Flusher(EventLoop loop) {
            this.loop = loop;
        }

        /** This event loop's flusher (called on the loop's own thread). */
        static Flusher of(EventLoop loop) {
            Flusher flusher = CURRENT.get();
            if (flusher == null) {
                flusher = new Flusher(loop);
                CURRENT.set(flusher);
            }
            return flusher;
        }

        void add(OutboundQueue queue) {
            if (queue.flushDue) {
                return;
            }
            queue.flushDue = true;
            due.add(queue);
            if (!scheduled) {
                scheduled = true;
                try {
                    loop.execute(this);
                }
                catch (RejectedExecutionException ex) {
                    run();
                }
            }
        }

        @Override
        public void run() {
            scheduled = false;
            List<OutboundQueue> now = due;
            due = flushing;
            flushing = now;
            for (OutboundQueue queue : now) {
                queue.flushDue = false;
                queue.flush();
            }
            now.clear();
        }
    }
}

package dev.dawg.realtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.Visibility;

/**
 * The {@link ProjectFeed}s of one connection: the projects it subscribed to and, for a signed-in caller, the ones
 * they own. Events reach it from the node's Redis subscriber thread and never wait for it; it asks the history
 * for what a feed missed and the access rule whether a subscriber may still follow, in the background. Every feed
 * is guarded by this object's monitor; nothing slow runs under it.
 */
final class ProjectFeeds {

    private static final Logger log = LoggerFactory.getLogger(ProjectFeeds.class);

    private final String connectionId;
    private final SocketCaller caller;
    private final OutboundQueue queue;
    private final Executor eventLoop;
    private final ChannelRegistry channels;
    private final EventHistory history;
    private final SubscriberAccess access;
    private final ServerMessages messages;
    private final RealtimeMetrics metrics;
    private final RealtimeProperties settings;
    /** The clock by which a subscriber's access ages (a seam: tests of the state machine move it). */
    private final LongSupplier clock;
    /** Where catch-ups and access checks run: not the caller's thread, which may hold this monitor. */
    private final Scheduler background;
    private final Map<UUID, ProjectFeed> feeds = new HashMap<>();
    private final AtomicInteger handedOver = new AtomicInteger();
    private int subscriptions;

    ProjectFeeds(String connectionId, SocketCaller caller, OutboundQueue queue, Executor eventLoop, ChannelRegistry channels,
            EventHistory history, SubscriberAccess access, ServerMessages messages, RealtimeMetrics metrics,
            RealtimeProperties settings, LongSupplier clock, Scheduler background) {
        this.connectionId = connectionId;
        this.caller = caller;
        this.queue = queue;
        this.eventLoop = eventLoop;
        this.channels = channels;
        this.history = history;
        this.access = access;
        this.messages = messages;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        this.background = background;
    }

    // ---- subscriptions

    Mono<Void> subscribe(ClientMessage.Subscribe request) {
        UUID projectId = request.projectId();
        if (!mayFollow(projectId)) {
            return Mono.empty();
        }
        return access.grant(caller.user(), projectId, request.shareToken())
                .flatMap(grant -> follow(request, grant))
                .onErrorResume(ex -> {
                    refused(projectId, ex);
                    return Mono.empty();
                });
    }

    private synchronized boolean mayFollow(UUID projectId) {
        ProjectFeed existing = feeds.get(projectId);
        if (existing != null && existing.subscribed()) {
            queue.reply(messages.subscribed(projectId));
            return false;
        }
        if (subscriptions >= settings.maxSubscriptions()) {
            queue.reply(messages.error("VALIDATION_FAILED", projectId,
                    "A connection may follow at most " + settings.maxSubscriptions() + " projects"));
            return false;
        }
        return true;
    }

    private void refused(UUID projectId, Throwable ex) {
        if (ex instanceof ApiProblem problem) {
            queue.reply(messages.error(problem.code(), projectId, problem.detail()));
            return;
        }
        log.warn("Could not subscribe connection {} to project {}: {}", connectionId, projectId, ex.toString());
        queue.reply(messages.error("SERVICE_UNAVAILABLE", projectId, "Live events are unavailable right now; retry shortly"));
    }

    private Mono<Void> follow(ClientMessage.Subscribe request, ProjectAccess.Grant grant) {
        if (caller.anonymous() && grant.visibility() != Visibility.PUBLIC) {
            return Mono.error(ApiProblem.unauthorized("Sign in to follow this project"));
        }
        ProjectFeed feed = setUp(request, grant.isOwner());
        if (feed == null) {
            return Mono.empty();
        }
        String channel = feed.owner ? RedisProjectEventPublisher.userChannel(caller.user().orElseThrow().id())
                : RedisProjectEventPublisher.projectChannel(feed.projectId);
        // Listening first, then reading the history: whatever is published in between arrives twice, never not at all.
        return channels.awaitActive(channel)
                .then(history.since(feed.projectId, request.lastEventId(), feed.owner))
                .doOnNext(replay -> replayed(feed, replay, true, false))
                .doOnError(ex -> abandon(feed))
                .then();
    }

    /** Subscribes the feed; null when there is no history to wait for (then the subscription is answered at once). */
    private synchronized ProjectFeed setUp(ClientMessage.Subscribe request, boolean owner) {
        UUID projectId = request.projectId();
        ProjectFeed existing = feeds.get(projectId);
        if (queue.closing() || existing != null && existing.subscribed()) {
            queue.reply(messages.subscribed(projectId));
            return null;
        }
        ProjectFeed feed = owner && existing != null ? existing : new ProjectFeed(projectId, owner, queue, settings.accessRecheck().toNanos());
        // The owner's channel has carried this project's events since the connection opened.
        boolean live = owner && request.lastEventId() == null;
        feed.subscribe(request.shareToken(), clock.getAsLong(), !live);
        feeds.put(projectId, feed);
        subscriptionsChanged(1);
        if (live) {
            queue.reply(messages.subscribed(projectId));
            return null;
        }
        if (!owner) {
            channels.join(RedisProjectEventPublisher.projectChannel(projectId), this);
        }
        return feed;
    }

    /** A subscription that could not be set up is undone. */
    private synchronized void abandon(ProjectFeed feed) {
        if (feeds.get(feed.projectId) == feed && feed.subscribed()) {
            end(feed);
        }
    }

    synchronized void unsubscribe(UUID projectId) {
        ProjectFeed feed = feeds.get(projectId);
        if (feed != null && feed.subscribed()) {
            end(feed);
        }
        queue.reply(messages.unsubscribed(projectId));
    }

    /** Ends a subscription: the owner keeps receiving without subscribing; anyone else's feed and channel go. */
    private void end(ProjectFeed feed) {
        subscriptionsChanged(-1);
        if (feed.owner) {
            ProjectFeed unsubscribed = feed.unsubscribed();
            feeds.put(feed.projectId, unsubscribed);
            drain(unsubscribed);
        }
        else {
            feeds.remove(feed.projectId);
            channels.leave(RedisProjectEventPublisher.projectChannel(feed.projectId), this);
        }
    }

    private void subscriptionsChanged(int delta) {
        subscriptions += delta;
        metrics.subscriptionsChanged(delta);
    }

    /** Forgets every feed and leaves the Redis channels this connection listened to. */
    void release() {
        List<String> left = new ArrayList<>();
        synchronized (this) {
            feeds.values().stream().filter(feed -> feed.subscribed() && !feed.owner)
                    .forEach(feed -> left.add(RedisProjectEventPublisher.projectChannel(feed.projectId)));
            subscriptionsChanged(-subscriptions);
            feeds.clear();
        }
        caller.user().ifPresent(user -> left.add(RedisProjectEventPublisher.userChannel(user.id())));
        left.forEach(channel -> channels.leave(channel, this));
    }

    // ---- events

    /**
     * A live event for this connection alone, handed to its own event loop (the hub fans events out with
     * {@link #fanOut}, one task per event loop). Past the queue limit in tasks not yet run, the connection is too
     * slow, as with frames not yet written.
     */
    void deliver(PublishedEvent event, boolean fromOwnerChannel) {
        handOver(() -> onEvent(event, fromOwnerChannel, null));
    }

    /**
     * A live event for every connection listening on a channel, from this node's Redis subscriber thread: its frame
     * is encoded once, and one task per event loop (not per connection) delivers it to each connection that loop
     * owns, each writing a retained duplicate of that frame; the loop flushes them all after its run of tasks.
     * Past the queue limit in events not yet taken up, a connection is too slow, as with frames not yet written.
     */
    static void fanOut(ProjectFeeds[] listeners, PublishedEvent event, boolean fromOwnerChannel) {
        Map<Executor, List<ProjectFeeds>> byLoop = new IdentityHashMap<>(4);
        for (ProjectFeeds feeds : listeners) {
            if (feeds.queue.closing()) {
                continue;
            }
            if (feeds.handedOver.incrementAndGet() > feeds.settings.maxQueuedMessages()) {
                feeds.handedOver.decrementAndGet();
                feeds.queue.tooSlow();
                continue;
            }
            byLoop.computeIfAbsent(feeds.eventLoop, loop -> new ArrayList<>()).add(feeds);
        }
        if (byLoop.isEmpty()) {
            return;
        }
        ByteBuf frame = WebSocketFrames.text(ByteBufAllocator.DEFAULT, event.wire());
        try {
            byLoop.forEach((loop, group) -> {
                frame.retain();
                try {
                    loop.execute(() -> deliverAll(group, event, fromOwnerChannel, frame));
                }
                catch (RejectedExecutionException ex) {
                    // The server is shutting down: these connections go with it.
                    frame.release();
                }
            });
        }
        finally {
            frame.release();
        }
    }

    /** On one event loop: the event to each of its connections; the reference to the shared frame is released after. */
    private static void deliverAll(List<ProjectFeeds> group, PublishedEvent event, boolean fromOwnerChannel, ByteBuf frame) {
        try {
            for (ProjectFeeds feeds : group) {
                feeds.handedOver.decrementAndGet();
                try {
                    feeds.onEvent(event, fromOwnerChannel, frame);
                }
                catch (RuntimeException ex) {
                    log.warn("Delivering an event to connection {} failed: {}", feeds.connectionId, ex.toString());
                }
            }
        }
        finally {
            frame.release();
        }
    }

    /**
     * A user event ({@code notification:new}) for this connection's signed-in user, from the Redis subscriber thread:
     * queued on the connection's event loop, bounded like project events. It belongs to no project's chain.
     */
    void deliverToUser(byte[] frame) {
        handOver(() -> queue.send(OutboundQueue.Kind.EVENT, frame));
    }

    /** Runs {@code delivery} on the connection's event loop, unless the tasks already handed over pass the limit. */
    private void handOver(Runnable delivery) {
        if (queue.closing()) {
            return;
        }
        if (handedOver.incrementAndGet() > settings.maxQueuedMessages()) {
            handedOver.decrementAndGet();
            queue.tooSlow();
            return;
        }
        execute(() -> {
            handedOver.decrementAndGet();
            delivery.run();
        });
    }

    /** The project's access changed: after the events before the change, re-check before anything more. */
    void deliverAccessChange(UUID projectId) {
        execute(() -> accessChanged(projectId));
    }

    private void execute(Runnable work) {
        try {
            eventLoop.execute(work);
        }
        catch (RejectedExecutionException ex) {
            // The server is shutting down: the connection goes with it.
        }
    }

    /** On the connection's event loop; {@code frame}, when given, is the event's frame encoded once for all. */
    private synchronized void onEvent(PublishedEvent event, boolean fromOwnerChannel, ByteBuf frame) {
        if (queue.closing()) {
            return;
        }
        ProjectFeed feed = feeds.get(event.projectId());
        if (feed == null && fromOwnerChannel) {
            feed = new ProjectFeed(event.projectId(), true, queue, settings.accessRecheck().toNanos());
            feeds.put(event.projectId(), feed);
        }
        if (feed == null || feed.owner != fromOwnerChannel) {
            return;
        }
        if (!feed.hold(event, settings.maxQueuedMessages())) {
            queue.tooSlow();
            return;
        }
        if (frame == null) {
            drain(feed);
            return;
        }
        queue.sharing(event, frame);
        try {
            drain(feed);
        }
        finally {
            queue.sharing(null, null);
        }
    }

    private void drain(ProjectFeed feed) {
        switch (feed.drain(clock.getAsLong())) {
            case CATCH_UP -> catchUp(feed);
            case ACCESS_CHECK -> checkAccess(feed);
            case NOTHING -> { }
        }
    }

    /** A history read came back: replay it (or say resync), then deliver what arrived live meanwhile. */
    private synchronized void replayed(ProjectFeed feed, EventHistory.Replay replay, boolean announce, boolean afterCatchUp) {
        if (!current(feed)) {
            return;
        }
        if (announce) {
            queue.reply(messages.subscribed(feed.projectId));
        }
        if (!feed.replay(replay, afterCatchUp)) {
            resync(feed);
        }
        drain(feed);
    }

    private void resync(ProjectFeed feed) {
        queue.reply(messages.resync(feed.projectId));
        metrics.resync();
    }

    /** Whether the connection is open and the feed still its feed of that project (else an answer is for nobody). */
    private boolean current(ProjectFeed feed) {
        return !queue.closing() && feeds.get(feed.projectId) == feed;
    }

    /** Something was missed (a gap in the chain, or Redis was away): replay it from the history first. */
    private void catchUp(ProjectFeed feed) {
        EventId since = feed.catchUp();
        if (since != null) {
            background(history.since(feed.projectId, since, feed.owner)
                    .doOnNext(replay -> replayed(feed, replay, false, true))
                    .doOnError(ex -> catchUpFailed(feed, ex)));
        }
    }

    private synchronized void catchUpFailed(ProjectFeed feed, Throwable ex) {
        if (!current(feed) || !feed.is(ProjectFeed.State.CATCHING_UP)) {
            return;
        }
        log.debug("Catch-up of project {} on connection {} failed: {}", feed.projectId, connectionId, ex.toString());
        resync(feed);
        feed.catchUpFailed();
        drain(feed);
    }

    /** This node subscribed to a channel again after losing Redis: the affected subscriptions catch up. */
    synchronized void resubscribed(ChannelRegistry.Channel redisChannel) {
        if (queue.closing()) {
            return;
        }
        for (ProjectFeed feed : List.copyOf(feeds.values())) {
            boolean affected = redisChannel.ownerChannel ? feed.owner : feed.projectId.equals(redisChannel.id);
            if (affected && feed.subscribed() && feed.is(ProjectFeed.State.LIVE)) {
                catchUp(feed);
            }
        }
    }

    // ---- access

    private synchronized void accessChanged(UUID projectId) {
        ProjectFeed feed = feeds.get(projectId);
        if (feed != null && !feed.owner && feed.subscribed() && !queue.closing() && feed.accessChanged()) {
            checkAccess(feed);
        }
    }

    private void checkAccess(ProjectFeed feed) {
        long changesBefore = feed.checkAccess();
        background(access.grant(caller.user(), feed.projectId, feed.shareToken())
                .doOnNext(grant -> accessChecked(feed, grant, changesBefore))
                .doOnError(ex -> accessCheckFailed(feed, ex, changesBefore)));
    }

    private synchronized void accessChecked(ProjectFeed feed, ProjectAccess.Grant grant, long changesBefore) {
        if (caller.anonymous() && grant.visibility() != Visibility.PUBLIC) {
            revoke(feed, "UNAUTHORIZED");
        }
        else if (answerStands(feed, changesBefore)) {
            feed.accessChecked(clock.getAsLong());
            drain(feed);
        }
    }

    private synchronized void accessCheckFailed(ProjectFeed feed, Throwable ex, long changesBefore) {
        if (ex instanceof ApiProblem problem) {
            revoke(feed, problem.code());
        }
        else if (answerStands(feed, changesBefore)) {
            // The database is unwell, not the subscriber: keep delivering, ask again in a couple of seconds.
            log.warn("Could not re-check access to project {} for connection {}: {}", feed.projectId, connectionId, ex.toString());
            feed.accessChecked(clock.getAsLong() - settings.accessRecheck().toNanos() + 2_000_000_000L);
            drain(feed);
        }
    }

    /**
     * Whether a check's answer still stands; if the access changed while it was in flight, the answer may predate
     * the change and the access is asked again (what is held keeps waiting for that answer).
     */
    private boolean answerStands(ProjectFeed feed, long changesBefore) {
        if (!current(feed) || !feed.is(ProjectFeed.State.CHECKING_ACCESS)) {
            return false;
        }
        if (feed.overtaken(changesBefore)) {
            checkAccess(feed);
            return false;
        }
        return true;
    }

    private void revoke(ProjectFeed feed, String code) {
        if (current(feed)) {
            end(feed);
            queue.reply(messages.error(code, feed.projectId, "This project is no longer available to you"));
        }
    }

    /** Work started from an event callback; it reports back itself. */
    private void background(Mono<?> work) {
        work.subscribeOn(background)
                .subscribe(done -> { }, ex -> log.debug("Realtime background work failed: {}", ex.toString()));
    }
}

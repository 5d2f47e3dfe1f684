package dev.dawg.realtime;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.Visibility;

/**
 * One client's WebSocket: the projects it follows, its own bounded outbound queue, its message budget and its
 * heartbeat. Events reach it from the node's Redis subscriber thread and never wait for it: past the queue's
 * limit the connection is closed (1013) and the client reconnects with {@code lastEventId}.
 *
 * <p>Per project it keeps a {@link Feed}: the last event the client has seen, and while it catches up from the
 * history, sets up a subscription or re-checks access, the live events that arrive meanwhile (delivered after,
 * in order, without the ones it already has). All state is guarded by this object's monitor; nothing slow runs
 * under it.
 */
final class LiveConnection {

    private static final Logger log = LoggerFactory.getLogger(LiveConnection.class);

    static final CloseStatus TOO_SLOW = new CloseStatus(1013, "Too slow: reconnect with lastEventId");
    static final CloseStatus TOO_MANY_MESSAGES = CloseStatus.POLICY_VIOLATION.withReason("Too many messages");
    static final CloseStatus TOKEN_EXPIRED = CloseStatus.POLICY_VIOLATION.withReason("The access token has expired");
    static final CloseStatus TOKEN_REVOKED = CloseStatus.POLICY_VIOLATION.withReason("The access token was revoked (signed out)");
    static final CloseStatus NO_HEARTBEAT = CloseStatus.GOING_AWAY.withReason("No heartbeat");
    static final CloseStatus SHUTTING_DOWN = CloseStatus.GOING_AWAY.withReason("Server shutting down: reconnect with lastEventId");
    static final CloseStatus TOO_BIG = CloseStatus.TOO_BIG_TO_PROCESS.withReason("Message too large");

    private enum Kind { EVENT, REPLAYED, CONTROL, PING }

    private record Outgoing(Kind kind, byte[] bytes) {
    }

    private enum State { LIVE, SETTING_UP, CATCHING_UP, CHECKING_ACCESS }

    /** A project this connection receives events of: subscribed to, or owned (then also without subscribing). */
    private static final class Feed {

        final UUID projectId;
        final boolean owner;
        boolean subscribed;
        String shareToken;
        /** The last event the client has, or has in the state it loaded; null until known (owner, unsubscribed). */
        EventId seen;
        State state = State.LIVE;
        final ArrayDeque<HubEvent> pending = new ArrayDeque<>();
        long accessCheckedAt;
        boolean accessCheckDue;
        /**
         * Counts the access changes heard for this feed: a check's answer counts only if none was heard since the
         * check began (it may have read the project before the change), else the access is asked again.
         */
        long accessChanges;
        /** Right after a catch-up the next event is taken as it comes, so a broken chain cannot loop. */
        boolean trustNext;

        Feed(UUID projectId, boolean owner) {
            this.projectId = projectId;
            this.owner = owner;
        }
    }

    private final RealtimeHub hub;
    private final WebSocketSession session;
    private final Caller caller;
    private final Channel channel;
    private final RealtimeProperties settings;
    private final ServerMessages messages;

    private final Map<UUID, Feed> feeds = new HashMap<>();
    private int subscriptions;
    private boolean closing;
    private volatile CloseStatus closeStatus;
    private Instant tokenExpiresAt;
    private String tokenId;
    private double tokens;
    private long tokensAt;
    private int refusals;

    private final Sinks.Many<Outgoing> outbound = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.One<Boolean> stopped = Sinks.one();
    private final AtomicInteger queuedMessages = new AtomicInteger();
    private final AtomicInteger handedOver = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile long lastHeardAt;
    private volatile long lastPingAt;
    private volatile long closingSince;

    LiveConnection(RealtimeHub hub, WebSocketSession session, Caller caller, Channel channel) {
        this.hub = hub;
        this.session = session;
        this.caller = caller;
        this.channel = channel;
        this.settings = hub.settings();
        this.messages = hub.messages();
        this.tokenExpiresAt = caller.expiresAt();
        this.tokenId = caller.tokenId();
        this.tokens = settings.messageBurst();
        this.tokensAt = System.nanoTime();
        this.lastHeardAt = tokensAt;
        this.lastPingAt = tokensAt;
    }

    Caller caller() {
        return caller;
    }

    String id() {
        return session.getId();
    }

    // ---- inbound

    /** Reads a frame on the event loop (its payload is released after): heartbeat, rate budget, parsing. */
    ClientMessage read(WebSocketMessage message) {
        lastHeardAt = System.nanoTime();
        if (message.getType() == WebSocketMessage.Type.PING || message.getType() == WebSocketMessage.Type.PONG) {
            return null;
        }
        if (!takeToken()) {
            return closeStatus != null ? null : new ClientMessage.Invalid("RATE_LIMITED",
                    "Too many messages: at most " + settings.messageRate() + " per second", null);
        }
        if (message.getType() == WebSocketMessage.Type.BINARY) {
            return new ClientMessage.Invalid("MALFORMED_REQUEST", "Messages are JSON text frames", null);
        }
        return ClientMessage.parse(hub.json(), message.getPayloadAsText());
    }

    Mono<Void> execute(ClientMessage message) {
        if (message instanceof ClientMessage.Subscribe subscribe) {
            return subscribe(subscribe);
        }
        if (message instanceof ClientMessage.Unsubscribe unsubscribe) {
            unsubscribe(unsubscribe.projectId());
        }
        else if (message instanceof ClientMessage.Ping) {
            reply(messages.pong());
        }
        else if (message instanceof ClientMessage.Authenticate authenticate) {
            return authenticate(authenticate.token());
        }
        else if (message instanceof ClientMessage.Invalid invalid) {
            reply(messages.error(invalid.code(), invalid.projectId(), invalid.detail()));
        }
        return Mono.empty();
    }

    private synchronized boolean takeToken() {
        long now = System.nanoTime();
        tokens = Math.min(settings.messageBurst(), tokens + (now - tokensAt) / 1e9 * settings.messageRate());
        tokensAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            refusals = 0;
            return true;
        }
        if (++refusals > settings.messageBurst()) {
            close(TOO_MANY_MESSAGES, "rate_limited");
        }
        return false;
    }

    // ---- subscriptions

    private Mono<Void> subscribe(ClientMessage.Subscribe request) {
        UUID projectId = request.projectId();
        synchronized (this) {
            Feed existing = feeds.get(projectId);
            if (existing != null && existing.subscribed) {
                reply(messages.subscribed(projectId));
                return Mono.empty();
            }
            if (subscriptions >= settings.maxSubscriptions()) {
                reply(messages.error("VALIDATION_FAILED", projectId,
                        "A connection may follow at most " + settings.maxSubscriptions() + " projects"));
                return Mono.empty();
            }
        }
        return hub.access().grant(caller.user(), projectId, request.shareToken())
                .flatMap(grant -> {
                    if (caller.anonymous() && grant.visibility() != Visibility.PUBLIC) {
                        return Mono.error(ApiProblem.unauthorized("Sign in to follow this project"));
                    }
                    return follow(request, grant.isOwner());
                })
                .onErrorResume(ApiProblem.class, problem -> {
                    reply(messages.error(problem.code(), projectId, problem.detail()));
                    return Mono.empty();
                })
                .onErrorResume(ex -> {
                    log.warn("Could not subscribe connection {} to project {}: {}", id(), projectId, ex.toString());
                    reply(messages.error("SERVICE_UNAVAILABLE", projectId, "Live events are unavailable right now; retry shortly"));
                    return Mono.empty();
                });
    }

    private Mono<Void> follow(ClientMessage.Subscribe request, boolean owner) {
        UUID projectId = request.projectId();
        Feed feed;
        synchronized (this) {
            Feed existing = feeds.get(projectId);
            if (closing || existing != null && existing.subscribed) {
                reply(messages.subscribed(projectId));
                return Mono.empty();
            }
            feed = owner && existing != null ? existing : new Feed(projectId, owner);
            feed.subscribed = true;
            feed.shareToken = request.shareToken();
            feed.accessCheckedAt = hub.nanoTime();
            feeds.put(projectId, feed);
            subscriptionsChanged(1);
            if (owner && request.lastEventId() == null) {
                // The owner's channel has carried this project's events since the connection opened.
                reply(messages.subscribed(projectId));
                return Mono.empty();
            }
            feed.state = State.SETTING_UP;
            if (!owner) {
                hub.channels().join(RedisProjectEventPublisher.projectChannel(projectId), this);
            }
        }
        String channelName = owner ? RedisProjectEventPublisher.userChannel(caller.user().orElseThrow().id()) : RedisProjectEventPublisher.projectChannel(projectId);
        // Listening first, then reading the history: whatever is published in between arrives twice, never not at all.
        return hub.channels().awaitActive(channelName)
                .then(hub.history().since(projectId, request.lastEventId(), owner))
                .doOnNext(replay -> settle(feed, replay, true, false))
                .onErrorResume(ex -> {
                    abandon(feed);
                    return Mono.error(ex);
                })
                .then();
    }

    /** A subscription that could not be set up is undone (the owner keeps receiving without subscribing). */
    private synchronized void abandon(Feed feed) {
        if (feeds.get(feed.projectId) != feed || !feed.subscribed) {
            return;
        }
        subscriptionsChanged(-1);
        if (feed.owner) {
            feed.subscribed = false;
            feed.state = State.LIVE;
            drain(feed);
        }
        else {
            feeds.remove(feed.projectId);
            hub.channels().leave(RedisProjectEventPublisher.projectChannel(feed.projectId), this);
        }
    }

    private synchronized void unsubscribe(UUID projectId) {
        Feed feed = feeds.get(projectId);
        if (feed != null && feed.subscribed) {
            subscriptionsChanged(-1);
            if (feed.owner) {
                Feed unsubscribed = new Feed(projectId, true);
                unsubscribed.seen = feed.seen;
                unsubscribed.pending.addAll(feed.pending);
                feeds.put(projectId, unsubscribed);
                drain(unsubscribed);
            }
            else {
                feeds.remove(projectId);
                hub.channels().leave(RedisProjectEventPublisher.projectChannel(projectId), this);
            }
        }
        reply(messages.unsubscribed(projectId));
    }

    private void subscriptionsChanged(int delta) {
        subscriptions += delta;
        hub.metrics().subscriptionsChanged(delta);
    }

    /** A history read came back: replay it (or say resync), then deliver what arrived live meanwhile. */
    private synchronized void settle(Feed feed, EventHistory.Replay replay, boolean announce, boolean afterCatchUp) {
        if (closing || feeds.get(feed.projectId) != feed) {
            return;
        }
        if (announce) {
            reply(messages.subscribed(feed.projectId));
        }
        EventId base = feed.seen;
        List<HubEvent> missed = base == null ? replay.events()
                : replay.events().stream().filter(event -> event.id().isAfter(base)).toList();
        long missedBytes = missed.stream().mapToLong(event -> event.wire().length).sum();
        boolean fits = queuedMessages.get() + missed.size() < settings.maxQueuedMessages()
                && queuedBytes.get() + missedBytes < settings.maxQueuedBytes().toBytes();
        if (replay.resync() || !fits) {
            // Reloading the project is cheaper than a replay that would not fit the queue anyway.
            reply(messages.resync(feed.projectId));
            hub.metrics().resync();
        }
        else {
            missed.forEach(event -> enqueue(new Outgoing(Kind.REPLAYED, event.wire())));
        }
        feed.seen = EventId.max(base, replay.head());
        feed.state = State.LIVE;
        feed.trustNext = afterCatchUp;
        drain(feed);
    }

    // ---- events

    /**
     * A live event from this node's Redis subscriber thread, handed to this connection's own event loop: the one
     * thread that fans an event out to every subscriber only queues a task per connection, and the work of each
     * connection (queueing, framing, writing) runs in parallel on the loops that own them. Past the queue limit
     * in tasks not yet run, the connection is too slow, as with frames not yet written.
     */
    void deliver(HubEvent event, boolean fromOwnerChannel) {
        if (closingSince != 0) {
            return;
        }
        if (handedOver.incrementAndGet() > settings.maxQueuedMessages()) {
            handedOver.decrementAndGet();
            close(TOO_SLOW, "slow_consumer");
            return;
        }
        execute(() -> {
            handedOver.decrementAndGet();
            onEvent(event, fromOwnerChannel);
        });
    }

    /** The project's access changed: after the events before the change, re-check before anything more. */
    void deliverAccessChange(UUID projectId) {
        execute(() -> accessChanged(projectId));
    }

    private void execute(Runnable work) {
        if (channel == null) {
            work.run();
            return;
        }
        try {
            channel.eventLoop().execute(work);
        }
        catch (RejectedExecutionException ex) {
            // The server is shutting down: the connection goes with it.
        }
    }

    private void onEvent(HubEvent event, boolean fromOwnerChannel) {
        synchronized (this) {
            if (closing) {
                return;
            }
            Feed feed = feeds.get(event.projectId());
            if (feed == null) {
                if (!fromOwnerChannel) {
                    return;
                }
                feed = new Feed(event.projectId(), true);
                feeds.put(event.projectId(), feed);
            }
            else if (feed.owner != fromOwnerChannel) {
                return;
            }
            if (feed.pending.size() >= settings.maxQueuedMessages()) {
                close(TOO_SLOW, "slow_consumer");
                return;
            }
            feed.pending.addLast(event);
            drain(feed);
        }
    }

    /** Delivers the feed's waiting events in order, unless one shows a gap or the access must be re-checked. */
    private void drain(Feed feed) {
        HubEvent event;
        while (feed.state == State.LIVE && !closing && (event = feed.pending.pollFirst()) != null) {
            if (feed.seen != null && !event.id().isAfter(feed.seen)) {
                continue;
            }
            if (feed.subscribed && feed.seen != null && !feed.trustNext && !event.predecessor(feed.owner).equals(feed.seen)) {
                feed.pending.addFirst(event);
                catchUp(feed);
                return;
            }
            if (feed.subscribed && !feed.owner && accessDue(feed)) {
                feed.pending.addFirst(event);
                checkAccess(feed);
                return;
            }
            feed.trustNext = false;
            feed.seen = event.seenThrough(feed.owner);
            enqueue(new Outgoing(Kind.EVENT, event.wire()));
        }
    }

    /** Something was missed (a gap in the chain, or Redis was away): replay it from the history first. */
    private void catchUp(Feed feed) {
        if (feed.seen == null) {
            return;
        }
        feed.state = State.CATCHING_UP;
        hub.background(hub.history().since(feed.projectId, feed.seen, feed.owner)
                .doOnNext(replay -> settle(feed, replay, false, true))
                .doOnError(ex -> catchUpFailed(feed, ex)));
    }

    private synchronized void catchUpFailed(Feed feed, Throwable ex) {
        if (closing || feeds.get(feed.projectId) != feed || feed.state != State.CATCHING_UP) {
            return;
        }
        log.debug("Catch-up of project {} on connection {} failed: {}", feed.projectId, id(), ex.toString());
        reply(messages.resync(feed.projectId));
        hub.metrics().resync();
        feed.state = State.LIVE;
        feed.trustNext = true;
        drain(feed);
    }

    /** This node subscribed to a channel again after losing Redis: the affected subscriptions catch up. */
    synchronized void resubscribed(ChannelRegistry.Channel redisChannel) {
        if (closing) {
            return;
        }
        for (Feed feed : List.copyOf(feeds.values())) {
            boolean affected = redisChannel.ownerChannel ? feed.owner : feed.projectId.equals(redisChannel.id);
            if (affected && feed.subscribed && feed.state == State.LIVE) {
                catchUp(feed);
            }
        }
    }

    // ---- access

    private boolean accessDue(Feed feed) {
        return feed.accessCheckDue || hub.nanoTime() - feed.accessCheckedAt > settings.accessRecheck().toNanos();
    }

    private synchronized void accessChanged(UUID projectId) {
        Feed feed = feeds.get(projectId);
        if (feed == null || feed.owner || !feed.subscribed || closing) {
            return;
        }
        feed.accessCheckDue = true;
        feed.accessChanges++;
        if (feed.state == State.LIVE) {
            checkAccess(feed);
        }
    }

    private void checkAccess(Feed feed) {
        feed.state = State.CHECKING_ACCESS;
        long changesBefore = feed.accessChanges;
        hub.background(hub.access().grant(caller.user(), feed.projectId, feed.shareToken)
                .doOnNext(grant -> accessChecked(feed, grant, changesBefore))
                .doOnError(ex -> accessCheckFailed(feed, ex, changesBefore)));
    }

    /**
     * Whether a check's answer still stands; if the access changed while it was in flight, the answer may predate
     * the change and the access is asked again (what is held keeps waiting for that answer).
     */
    private boolean overtaken(Feed feed, long changesBefore) {
        if (feed.accessChanges == changesBefore) {
            return false;
        }
        checkAccess(feed);
        return true;
    }

    private synchronized void accessChecked(Feed feed, ProjectAccess.Grant grant, long changesBefore) {
        if (caller.anonymous() && grant.visibility() != Visibility.PUBLIC) {
            revoke(feed, "UNAUTHORIZED");
            return;
        }
        if (closing || feeds.get(feed.projectId) != feed || feed.state != State.CHECKING_ACCESS || overtaken(feed, changesBefore)) {
            return;
        }
        feed.accessCheckedAt = hub.nanoTime();
        feed.accessCheckDue = false;
        feed.state = State.LIVE;
        drain(feed);
    }

    private synchronized void accessCheckFailed(Feed feed, Throwable ex, long changesBefore) {
        if (ex instanceof ApiProblem problem) {
            revoke(feed, problem.code());
            return;
        }
        if (closing || feeds.get(feed.projectId) != feed || feed.state != State.CHECKING_ACCESS || overtaken(feed, changesBefore)) {
            return;
        }
        // The database is unwell, not the subscriber: keep delivering, ask again in a couple of seconds.
        log.warn("Could not re-check access to project {} for connection {}: {}", feed.projectId, id(), ex.toString());
        feed.accessCheckedAt = hub.nanoTime() - settings.accessRecheck().toNanos() + 2_000_000_000L;
        feed.accessCheckDue = false;
        feed.state = State.LIVE;
        drain(feed);
    }

    private void revoke(Feed feed, String code) {
        if (closing || feeds.get(feed.projectId) != feed) {
            return;
        }
        feeds.remove(feed.projectId);
        subscriptionsChanged(-1);
        hub.channels().leave(RedisProjectEventPublisher.projectChannel(feed.projectId), this);
        reply(messages.error(code, feed.projectId, "This project is no longer available to you"));
    }

    // ---- authentication

    private Mono<Void> authenticate(String token) {
        if (caller.anonymous()) {
            reply(messages.error("UNAUTHORIZED", null, "This connection is anonymous: reconnect with ?token= to sign in"));
            return Mono.empty();
        }
        return hub.authenticate(token)
                .doOnNext(fresh -> {
                    if (!fresh.user().orElseThrow().id().equals(caller.user().orElseThrow().id())) {
                        reply(messages.error("UNAUTHORIZED", null, "The token is for another user"));
                        return;
                    }
                    synchronized (this) {
                        tokenExpiresAt = fresh.expiresAt();
                        tokenId = fresh.tokenId();
                        reply(messages.authenticated(fresh.expiresAt()));
                    }
                })
                .onErrorResume(ex -> {
                    reply(messages.error("UNAUTHORIZED", null, "The access token is invalid or expired"));
                    return Mono.empty();
                })
                .then();
    }

    // ---- outbound

    /** What the session sends: the queue, until the connection is closed (then nothing more is sent). */
    Flux<WebSocketMessage> outbound() {
        return outbound.asFlux()
                .takeUntilOther(stopped.asMono())
                .map(message -> {
                    queuedMessages.decrementAndGet();
                    queuedBytes.addAndGet(-message.bytes().length);
                    return switch (message.kind()) {
                        case PING -> session.pingMessage(factory -> factory.wrap(message.bytes()));
                        case EVENT, REPLAYED -> {
                            hub.metrics().sent(message.kind() == Kind.REPLAYED);
                            yield new WebSocketMessage(WebSocketMessage.Type.TEXT, session.bufferFactory().wrap(message.bytes()));
                        }
                        case CONTROL -> new WebSocketMessage(WebSocketMessage.Type.TEXT, session.bufferFactory().wrap(message.bytes()));
                    };
                });
    }

    private synchronized void reply(byte[] message) {
        enqueue(new Outgoing(Kind.CONTROL, message));
    }

    /** Queues a frame for this client alone; past the limit the client is too slow and is closed instead. */
    private synchronized void enqueue(Outgoing message) {
        if (closing) {
            return;
        }
        int count = queuedMessages.incrementAndGet();
        long bytes = queuedBytes.addAndGet(message.bytes().length);
        if (count > settings.maxQueuedMessages() || bytes > settings.maxQueuedBytes().toBytes()) {
            queuedMessages.decrementAndGet();
            queuedBytes.addAndGet(-message.bytes().length);
            close(TOO_SLOW, "slow_consumer");
            return;
        }
        if (outbound.tryEmitNext(message).isFailure()) {
            queuedMessages.decrementAndGet();
            queuedBytes.addAndGet(-message.bytes().length);
        }
    }

    // ---- heartbeat and closing

    /** Called on every hub tick: pings a quiet client, closes a dead or expired one, cuts one that will not close. */
    void tick(long now, Instant wallClock) {
        long since = closingSince;
        if (since != 0) {
            if (now - since > settings.closeTimeout().toNanos()) {
                cut();
            }
            return;
        }
        Instant expiresAt;
        String currentTokenId;
        synchronized (this) {
            expiresAt = tokenExpiresAt;
            currentTokenId = tokenId;
        }
        if (expiresAt != null && !wallClock.isBefore(expiresAt)) {
            close(TOKEN_EXPIRED, "token_expired");
            return;
        }
        if (currentTokenId != null && hub.revokedHere(currentTokenId)) {
            close(TOKEN_REVOKED, "token_revoked");
            return;
        }
        long silent = now - lastHeardAt;
        if (silent > settings.heartbeatTimeout().toNanos()) {
            close(NO_HEARTBEAT, "heartbeat");
            return;
        }
        if (silent > settings.heartbeatInterval().toNanos() && now - lastPingAt > settings.heartbeatInterval().toNanos()) {
            lastPingAt = now;
            enqueue(new Outgoing(Kind.PING, new byte[0]));
        }
    }

    /** A token was revoked: if it is the one this connection is signed in with, the connection ends (1008). */
    void tokenRevoked(String revokedId) {
        boolean mine;
        synchronized (this) {
            mine = revokedId.equals(tokenId);
        }
        if (mine) {
            close(TOKEN_REVOKED, "token_revoked");
        }
    }

    /**
     * Closes with this status: nothing more is queued, the close frame follows what is already on its way, and a
     * connection that does not finish closing within {@code DAWG_REALTIME_CLOSE_TIMEOUT} is cut.
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
            hub.metrics().dropped(dropReason);
            log.debug("Closing connection {} ({}): {}", id(), dropReason, status);
        }
        stopped.tryEmitValue(Boolean.TRUE);
    }

    /** The close frame to send once the outbound side has stopped: ours if we closed, none if the client did. */
    Mono<Void> closeFrame() {
        CloseStatus status = closeStatus;
        return status == null ? Mono.empty() : session.close(status);
    }

    /** The client closed, or the inbound side failed: stop sending too. */
    void inboundEnded() {
        synchronized (this) {
            closing = true;
        }
        if (closingSince == 0) {
            closingSince = System.nanoTime() | 1;
        }
        stopped.tryEmitValue(Boolean.TRUE);
    }

    private void cut() {
        if (channel != null) {
            channel.close();
        }
    }

    /** Forgets every feed; returns the Redis channels this connection listened to. */
    List<String> release() {
        List<String> channels = new ArrayList<>();
        synchronized (this) {
            closing = true;
            feeds.values().stream().filter(feed -> feed.subscribed && !feed.owner)
                    .forEach(feed -> channels.add(RedisProjectEventPublisher.projectChannel(feed.projectId)));
            subscriptionsChanged(-subscriptions);
            feeds.clear();
        }
        caller.user().ifPresent(user -> channels.add(RedisProjectEventPublisher.userChannel(user.id())));
        stopped.tryEmitValue(Boolean.TRUE);
        return channels;
    }
}

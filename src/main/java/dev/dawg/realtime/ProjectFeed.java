package dev.dawg.realtime;

import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;

/**
 * One project a connection receives events of (subscribed to, or owned: then also without subscribing), as a
 * replay-then-live state machine. It knows the last event the client has seen; while it is set up, catches up
 * from the history or has its access re-checked, it holds the live events that arrive meanwhile and delivers
 * them after, in order, without the ones the client already has.
 *
 * <p>It decides and {@link ProjectFeeds} asks: the history and the access rule, under whose monitor a feed lives.
 */
final class ProjectFeed {

    enum State { LIVE, SETTING_UP, CATCHING_UP, CHECKING_ACCESS }

    /** What a feed waits for before it delivers more. */
    enum Wait { NOTHING, CATCH_UP, ACCESS_CHECK }

    final UUID projectId;
    final boolean owner;
    private final OutboundQueue queue;
    private final long accessRecheck;
    private final ArrayDeque<PublishedEvent> pending = new ArrayDeque<>();
    private boolean subscribed;
    private String shareToken;
    /** The last event the client has, or has in the state it loaded; null until known (owner, unsubscribed). */
    private EventId seen;
    private State state = State.LIVE;
    private long accessCheckedAt;
    private boolean accessCheckDue;
    /**
     * Counts the access changes heard for this feed: a check's answer counts only if none was heard since the
     * check began (it may have read the project before the change), else the access is asked again.
     */
    private long accessChanges;
    /** Right after a catch-up the next event is taken as it comes, so a broken chain cannot loop. */
    private boolean trustNext;

    ProjectFeed(UUID projectId, boolean owner, OutboundQueue queue, long accessRecheck) {
        this.projectId = projectId;
        this.owner = owner;
        this.queue = queue;
        this.accessRecheck = accessRecheck;
    }

    boolean subscribed() {
        return subscribed;
    }

    boolean is(State expected) {
        return state == expected;
    }

    String shareToken() {
        return shareToken;
    }

    /** Subscribed: its access was checked just now; {@code setUp}: it then waits for the history it missed. */
    void subscribe(String shareToken, long now, boolean setUp) {
        this.subscribed = true;
        this.shareToken = shareToken;
        this.accessCheckedAt = now;
        if (setUp) {
            state = State.SETTING_UP;
        }
    }

    /** The owner's feed once unsubscribed: what it has seen and holds, nothing of the subscription. */
    ProjectFeed unsubscribed() {
        ProjectFeed feed = new ProjectFeed(projectId, true, queue, accessRecheck);
        feed.seen = seen;
        feed.pending.addAll(pending);
        return feed;
    }

    /** Holds a live event until it can be delivered; false when already as many wait as the queue may hold. */
    boolean hold(PublishedEvent event, int limit) {
        if (pending.size() >= limit) {
            return false;
        }
        pending.addLast(event);
        return true;
    }

    /** Delivers the waiting events in order, until one shows a gap or the access must be re-checked first. */
    Wait drain(long now) {
        PublishedEvent event;
        while (state == State.LIVE && !queue.closing() && (event = pending.pollFirst()) != null) {
            if (seen != null && !event.id().isAfter(seen)) {
                continue;
            }
            if (subscribed && seen != null && !trustNext && !event.predecessor(owner).equals(seen)) {
                pending.addFirst(event);
                return Wait.CATCH_UP;
            }
            if (subscribed && !owner && (accessCheckDue || now - accessCheckedAt > accessRecheck)) {
                pending.addFirst(event);
                return Wait.ACCESS_CHECK;
            }
            trustNext = false;
            seen = event.seenThrough(owner);
            queue.sendEvent(OutboundQueue.Kind.EVENT, event);
        }
        return Wait.NOTHING;
    }

    /**
     * A history read: queues the events the client missed, unless the history no longer reaches back or they would
     * not fit the queue (false: the client must resync); either way the feed is live again.
     */
    boolean replay(EventHistory.Replay replay, boolean afterCatchUp) {
        EventId base = seen;
        List<PublishedEvent> missed = base == null ? replay.events()
                : replay.events().stream().filter(event -> event.id().isAfter(base)).toList();
        // Reloading the project is cheaper than a replay that would not fit the queue anyway.
        boolean replayed = !replay.resync() && queue.fits(missed.size(), missed.stream().mapToLong(event -> event.wire().length).sum());
        if (replayed) {
            missed.forEach(event -> queue.send(OutboundQueue.Kind.REPLAYED, event.wire()));
        }
        seen = EventId.max(base, replay.head());
        state = State.LIVE;
        trustNext = afterCatchUp;
        return replayed;
    }

    /** Starts a catch-up from the last event seen, returned; null when none is known (nothing to catch up from). */
    EventId catchUp() {
        if (seen != null) {
            state = State.CATCHING_UP;
        }
        return seen;
    }

    /** The history could not be read: the client resyncs, and the next event is taken as it comes. */
    void catchUpFailed() {
        state = State.LIVE;
        trustNext = true;
    }

    /** The project's access changed; true when the feed is live and should have it checked now. */
    boolean accessChanged() {
        accessCheckDue = true;
        accessChanges++;
        return state == State.LIVE;
    }

    /** Starts an access check; returns the access changes heard so far (see {@link #overtaken}). */
    long checkAccess() {
        state = State.CHECKING_ACCESS;
        return accessChanges;
    }

    /** Whether an access change was heard since the check that began at {@code changesBefore}. */
    boolean overtaken(long changesBefore) {
        return accessChanges != changesBefore;
    }

    /** An access check was answered: the access is trusted from {@code checkedAt} on, and delivery goes on. */
    void accessChecked(long checkedAt) {
        accessCheckedAt = checkedAt;
        accessCheckDue = false;
        state = State.LIVE;
    }
}

package dev.dawg.realtime;

import java.util.List;
import java.util.UUID;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Reads a project's recent events back from its history stream (written by {@link RedisProjectEventPublisher}): what a
 * connection missed since a given event, or where the project's events stand now.
 */
@Component
class EventHistory {

    private final RealtimeRedis redis;
    private final int historySize;

    EventHistory(RealtimeRedis redis, RealtimeProperties settings) {
        this.redis = redis;
        this.historySize = settings.historySize();
    }

    static String key(UUID projectId) {
        return "dawg:events:history:" + projectId;
    }

    /**
     * What follows {@code after}, for the owner's chain or the subscribers'.
     *
     * @param events the events after {@code after} that the reader may see, oldest first
     * @param resync the history no longer reaches back to {@code after}: the client must reload the project
     * @param head the last event the reader has seen once it has these (or reloaded)
     */
    record Replay(List<PublishedEvent> events, boolean resync, EventId head) {
    }

    /** The events after {@code after}; with {@code after} null, only where the project stands now. */
    Mono<Replay> since(UUID projectId, EventId after, boolean owner) {
        if (after == null) {
            return head(projectId, owner).map(head -> new Replay(List.of(), false, head));
        }
        int limit = historySize + 1;
        return redis.commands()
                .flatMap(redis -> redis.xrange(key(projectId),
                                Range.from(Range.Boundary.including(after.toString()), Range.Boundary.unbounded()), Limit.from(limit))
                        .map(entry -> PublishedEvent.fromHistory(projectId, entry.getId(), entry.getBody()))
                        .collectList())
                .flatMap(entries -> {
                    if (entries.isEmpty()) {
                        // Nothing at or after it: an id from a history that has expired since, or not one of ours.
                        return after.equals(EventId.ZERO) ? Mono.just(new Replay(List.of(), false, EventId.ZERO))
                                : head(projectId, owner).map(head -> new Replay(List.of(), true, head));
                    }
                    if (entries.size() >= limit) {
                        // More than one history's worth (the size was lowered since): too much to replay anyway.
                        return head(projectId, owner).map(head -> new Replay(List.of(), true, head));
                    }
                    PublishedEvent first = entries.get(0);
                    EventId head = entries.get(entries.size() - 1).seenThrough(owner);
                    // Trimming removes the oldest entries only, so the history is whole from `after` on when `after`
                    // itself, or the event that names it as its predecessor, is still there.
                    boolean reachesBack = first.id().equals(after) || first.predecessor(owner).equals(after);
                    if (!reachesBack) {
                        return Mono.just(new Replay(List.of(), true, head));
                    }
                    List<PublishedEvent> missed = entries.stream()
                            .filter(event -> event.id().isAfter(after) && event.visibleTo(owner))
                            .toList();
                    return Mono.just(new Replay(missed, false, head));
                });
    }

    /** The last event of the project the reader can see, {@link EventId#ZERO} when it has none (yet). */
    Mono<EventId> head(UUID projectId, boolean owner) {
        return redis.commands()
                .flatMap(redis -> redis.xrevrange(key(projectId), Range.unbounded(), Limit.from(1)).next())
                .map(entry -> PublishedEvent.fromHistory(projectId, entry.getId(), entry.getBody()).seenThrough(owner))
                .defaultIfEmpty(EventId.ZERO);
    }
}

package dev.dawg.social;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

import dev.dawg.events.Activity;
import dev.dawg.events.ActivityNotifier;
import dev.dawg.events.ProjectEvent;
import dev.dawg.events.ProjectEventPublisher;
import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.ratelimit.RateLimitDecision;
import dev.dawg.platform.ratelimit.RateLimiter;
import dev.dawg.platform.ratelimit.UserWrites;
import dev.dawg.sharing.ProjectAccess.Grant;

/**
 * Commenting, as every API offers it: a comment costs one social write of its author's budget and is announced as
 * {@code comment:added}; threads are read as top-level comments with their replies nested under them.
 */
@Component
public class ProjectComments {

    /** Replies read under one top-level comment. */
    public static final int MAX_REPLIES_PER_THREAD = 50;

    private final Comments comments;
    private final RateLimiter rateLimiter;
    private final DawgProperties.RateLimits limits;
    private final ProjectEventPublisher events;
    private final ActivityNotifier notifier;

    ProjectComments(Comments comments, RateLimiter rateLimiter, DawgProperties properties, ProjectEventPublisher events,
            ActivityNotifier notifier) {
        this.comments = comments;
        this.rateLimiter = rateLimiter;
        this.limits = properties.rateLimit();
        this.events = events;
        this.notifier = notifier;
    }

    /** A comment written, with the rate limit decision that let it through. */
    public record Posted(Comment comment, RateLimitDecision decision) {
    }

    /** A comment and the replies answering it, each with its own. */
    public record CommentThread(Comment comment, List<CommentThread> replies) {
    }

    /** A page of threads and how many top-level comments the project has. */
    public record ThreadPage(List<CommentThread> threads, long total) {
    }

    /** Writes the caller's comment on the granted project and announces it. */
    public Mono<Posted> post(Grant grant, CommentDraft draft) {
        return rateLimiter.consume(UserWrites.limitOf(grant.user().id(), limits))
                .flatMap(decision -> comments.create(grant.projectId(), grant.user().id(), draft.parentId(), draft.text())
                        .flatMap(comment -> events.publish(ProjectEvent.commentAdded(grant.projectId(), grant.ownerId(),
                                        ProjectEvent.Actor.of(grant.user()), comment))
                                // Queued after the event, so sessions see comment:added first; never holds up the comment.
                                .doOnSuccess(done -> notifier.tell(Activity.commented(grant.user().id(), grant.ownerId(), grant.projectId(), comment.id(), comment.parentId())))
                                .thenReturn(new Posted(comment, decision))));
    }

    /** Top-level comments {@code offset..offset+limit}, newest first, each with its replies (oldest first) nested. */
    public Mono<ThreadPage> threads(UUID projectId, int offset, int limit) {
        return comments.topLevel(projectId, offset, limit).collectList()
                .flatMap(roots -> comments.replies(projectId, roots.stream().map(Comment::id).toList(), MAX_REPLIES_PER_THREAD)
                        .collectList()
                        .map(replies -> nest(roots, replies)))
                .zipWith(comments.countTopLevel(projectId), ThreadPage::new);
    }

    /** Hangs each reply under the comment it answers; replies come oldest first, so a parent is always placed first. */
    private static List<CommentThread> nest(List<Comment> roots, List<Comment> replies) {
        Map<UUID, CommentThread> placed = new LinkedHashMap<>();
        List<CommentThread> threads = new ArrayList<>(roots.size());
        for (Comment root : roots) {
            CommentThread thread = new CommentThread(root, new ArrayList<>());
            placed.put(root.id(), thread);
            threads.add(thread);
        }
        for (Comment reply : replies) {
            CommentThread parent = placed.get(reply.parentId());
            if (parent != null) {
                CommentThread thread = new CommentThread(reply, new ArrayList<>());
                parent.replies().add(thread);
                placed.put(reply.id(), thread);
            }
        }
        return threads;
    }
}

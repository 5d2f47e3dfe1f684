package dev.dawg.notifications;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

import dev.dawg.events.Activity;
import dev.dawg.events.ActivityNotifier;
import dev.dawg.events.UserEvent;
import dev.dawg.events.UserEventPublisher;

/**
 * Turns activities into notifications, off the path of the action that caused them: {@link #tell} only queues
 * (bounded by {@code DAWG_NOTIFICATIONS_QUEUE_CAPACITY}; past it the activity is dropped, logged and counted) and
 * returns, and at most {@code DAWG_NOTIFICATIONS_WRITERS} activities are stored at a time, so a burst of likes takes
 * a few database connections, not the pool the likes themselves need. A failure is logged and counted, never seen by
 * the action. Each stored activity is announced to the recipient's sessions as {@code notification:new}.
 *
 * <p>Nobody is told about their own action; a comment that answers another tells that comment's author
 * ({@code reply}) and the project's owner ({@code comment}), once each.
 */
@Component
class ActivityInbox implements ActivityNotifier {

    private static final Logger log = LoggerFactory.getLogger(ActivityInbox.class);
    /** An activity not stored by then (tries included) is abandoned and counted as failed, freeing its writer. */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final Notifications notifications;
    private final NotificationViews views;
    private final UserEventPublisher live;
    private final NotificationProperties settings;
    private final Queue<Activity> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger writing = new AtomicInteger();
    private final Counter dropped;
    private final Counter failed;
    private final Counter stored;

    ActivityInbox(Notifications notifications, NotificationViews views, UserEventPublisher live, NotificationProperties settings,
            MeterRegistry meters) {
        this.notifications = notifications;
        this.views = views;
        this.live = live;
        this.settings = settings;
        this.dropped = Counter.builder("dawg.notifications.dropped").description("Activities dropped: the queue was full")
                .register(meters);
        this.failed = Counter.builder("dawg.notifications.failures").description("Activities that could not be stored")
                .register(meters);
        this.stored = Counter.builder("dawg.notifications.stored").description("Activities stored as (or into) notifications")
                .register(meters);
    }

    @Override
    public void tell(Activity activity) {
        if (activity == null || activity.actorId() == null || activity.recipientId() == null || activity.type() == null) {
            return;
        }
        // A comment may still tell someone else (the author of the comment it answers); anything else on oneself tells nobody.
        if (activity.type() != Activity.Type.COMMENT && activity.actorId().equals(activity.recipientId())) {
            return;
        }
        if (queued.incrementAndGet() > settings.queueCapacity()) {
            queued.decrementAndGet();
            dropped.increment();
            log.warn("Notification queue full ({} waiting): dropped {} by {} for {}", settings.queueCapacity(), activity.type(),
                    activity.actorId(), activity.recipientId());
            return;
        }
        pending.offer(activity);
        drain();
    }

    /** Whether nothing is queued or being stored (tests wait for it before asserting that nothing was created). */
    boolean idle() {
        return queued.get() == 0 && writing.get() == 0;
    }

    /** Starts writers while there is work and room: each takes one activity and, when done, drains again. */
    private void drain() {
        while (true) {
            int busy = writing.get();
            if (busy >= settings.writers()) {
                return;
            }
            if (!writing.compareAndSet(busy, busy + 1)) {
                continue;
            }
            Activity next = pending.poll();
            if (next == null) {
                writing.decrementAndGet();
                // An activity queued while this writer was giving up its slot would otherwise wait for the next one.
                if (pending.isEmpty()) {
                    return;
                }
                continue;
            }
            queued.decrementAndGet();
            store(next).doFinally(signal -> {
                writing.decrementAndGet();
                drain();
            }).subscribe(null, ex -> { });
        }
    }

    private Mono<Void> store(Activity activity) {
        return recipients(activity)
                .filter(each -> !each.actorId().equals(each.recipientId()))
                .concatMap(this::notify)
                .then()
                .timeout(WRITE_TIMEOUT)
                .onErrorResume(ex -> {
                    failed.increment();
                    log.warn("Could not store the {} notification by {} for {}: {}", activity.type().value(), activity.actorId(),
                            activity.recipientId(), ex.toString());
                    return Mono.empty();
                });
    }

    /** The activity itself, or for a comment answering another, the reply to that comment's author and the comment to the owner. */
    private Flux<Activity> recipients(Activity activity) {
        if (activity.type() != Activity.Type.COMMENT || activity.answeredCommentId() == null) {
            return Flux.just(activity); // a top-level comment: no statement to find an author it answers
        }
        return notifications.authorOf(activity.answeredCommentId())
                .map(answered -> {
                    Activity reply = new Activity(Activity.Type.REPLY, activity.actorId(), answered, activity.projectId(), activity.commentId(),
                            activity.answeredCommentId());
                    return answered.equals(activity.recipientId()) ? List.of(reply) : List.of(reply, activity);
                })
                .defaultIfEmpty(List.of(activity))
                .flatMapIterable(each -> each);
    }

    private Mono<Void> notify(Activity activity) {
        return notifications.add(activity.type(), activity.actorId(), activity.recipientId(), activity.projectId(),
                        activity.commentId(), settings.groupWindow())
                // A write that failed for want of a connection (a burst holds the pool) is tried again; a retry that
                // did land before counts its actor once all the same.
                .retryWhen(Retry.backoff(3, Duration.ofMillis(200)).filter(ActivityInbox::worthRetrying))
                .doOnNext(group -> stored.increment())
                .map(views::view)
                .flatMap(notification -> live.publish(UserEvent.notificationNew(activity.recipientId(), notification)));
    }

    /** Worth another try: anything but a refusal of the data itself (a recipient or project gone meanwhile). */
    private static boolean worthRetrying(Throwable failure) {
        return !(failure instanceof DataIntegrityViolationException);
    }
}

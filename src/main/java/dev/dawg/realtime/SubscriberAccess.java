package dev.dawg.realtime;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

import dev.dawg.auth.CurrentUser;
import dev.dawg.sharing.ProjectAccess;

/**
 * The one access rule ({@link ProjectAccess}) as the hub asks it: once per subscribe, and again on the first
 * event after a subscriber's grant has aged past {@code DAWG_REALTIME_ACCESS_RECHECK}. Answers are shared for
 * up to a second between the connections of one node that ask the same question (the thousand anonymous followers of
 * a public project cost one query), and dropped at once when the project's access changes.
 */
@Component
class SubscriberAccess {


    private record Question(UUID projectId, UUID userId, String shareToken) {
    }

    private record Answer(Mono<ProjectAccess.Grant> grant, long expiresAt) {
    }

    private final ProjectAccess access;
    private final long sharedForNanos;
    private final Map<Question, Answer> answers = new ConcurrentHashMap<>();

    SubscriberAccess(ProjectAccess access, RealtimeProperties settings) {
        this.access = access;
        Duration recheck = settings.accessRecheck();
        this.sharedForNanos = Math.min(Duration.ofSeconds(1).toNanos(), recheck.toNanos());
    }

    /** The caller's grant, or the rule's error (404, 410) when they may not read the project. */
    Mono<ProjectAccess.Grant> grant(Optional<CurrentUser> user, UUID projectId, String shareToken) {
        Question question = new Question(projectId, user.map(CurrentUser::id).orElse(null), shareToken);
        long now = System.nanoTime();
        return answers.compute(question, (key, answer) -> answer != null && answer.expiresAt() - now > 0 ? answer
                : new Answer(access.grant(user, projectId, shareToken).cache(), now + sharedForNanos)).grant();
    }

    void forget(UUID projectId) {
        answers.keySet().removeIf(question -> question.projectId().equals(projectId));
    }

    /** Drops expired answers; called on every heartbeat tick. */
    void sweep() {
        long now = System.nanoTime();
        answers.values().removeIf(answer -> answer.expiresAt() - now <= 0);
    }
}

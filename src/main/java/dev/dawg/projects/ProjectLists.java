package dev.dawg.projects;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

import dev.dawg.auth.CurrentUser;
import dev.dawg.sharing.Visibility;

/**
 * A user's projects listed by position (page n of a client that pages by number, with the total), under the listing
 * rule: the owner sees all of theirs, anyone else only the public ones (unlisted projects are reachable by link, not
 * listed).
 */
@Component
public class ProjectLists {

    /** What a list is ordered by; each runs either way. */
    public enum Order {
        UPDATED(ProjectQuery.Sort.UPDATED, false), CREATED(ProjectQuery.Sort.CREATED, false), TITLE(ProjectQuery.Sort.TITLE, true);

        private final ProjectQuery.Sort sort;
        private final boolean ascendingByNature;

        Order(ProjectQuery.Sort sort, boolean ascendingByNature) {
            this.sort = sort;
            this.ascendingByNature = ascendingByNature;
        }
    }

    /** One page of summaries (no documents) and how many the whole list holds. */
    public record Page(List<Project> projects, long total) {
    }

    private final ProjectStore store;

    ProjectLists(ProjectStore store) {
        this.store = store;
    }

    /** The page of {@code ownerId}'s projects from row {@code offset}, as {@code caller} may list them. */
    public Mono<Page> ownedBy(Optional<CurrentUser> caller, UUID ownerId, Order order, boolean ascending, long offset, int limit) {
        UUID callerId = caller.map(CurrentUser::id).orElse(null);
        Visibility only = ownerId.equals(callerId) ? null : Visibility.PUBLIC;
        ProjectQuery query = ProjectQuery.positional(order.sort, ascending != order.ascendingByNature, only);
        return store.pageOwned(callerId, ownerId, query, offset, limit);
    }
}

package dev.dawg.projects;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.web.Pages;

/** Lists of project summaries (never documents): the caller's own, and search over public projects. */
@Component
class ProjectListHandler {

    private final ProjectStore store;
    private final ProjectResponses responses;

    ProjectListHandler(ProjectStore store, ProjectResponses responses) {
        this.store = store;
        this.responses = responses;
    }

    Mono<ServerResponse> own(ServerRequest request, CurrentUser user) {
        ProjectQuery query = ProjectQuery.ownList(request);
        int limit = Pages.limit(request);
        return store.listOwned(user.id(), query, limit + 1).collectList()
                .flatMap(found -> ServerResponse.ok().bodyValue(page(found, limit, query)));
    }

    Mono<ServerResponse> search(ServerRequest request, Optional<CurrentUser> caller) {
        ProjectQuery query = ProjectQuery.search(request);
        int limit = Pages.limit(request);
        return store.search(caller.map(CurrentUser::id).orElse(null), query, limit + 1).collectList()
                .flatMap(found -> ServerResponse.ok().bodyValue(page(found, limit, query)));
    }

    private Map<String, Object> page(List<ProjectStore.Listed> found, int limit, ProjectQuery query) {
        Map<String, Object> body = Pages.keysetBody(found, limit, query::cursorAfter);
        @SuppressWarnings("unchecked")
        List<ProjectStore.Listed> items = (List<ProjectStore.Listed>) body.get("items");
        body.put("items", items.stream().map(listed -> responses.summary(listed.project())).toList());
        return body;
    }
}

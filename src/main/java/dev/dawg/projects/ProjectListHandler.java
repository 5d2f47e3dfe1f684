package dev.dawg.projects;

import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.Callers;
import dev.dawg.auth.CurrentUser;
import dev.dawg.auth.Scope;
import dev.dawg.platform.web.Pages;

/** Lists of project summaries (never documents): the caller's own, and search over public projects. */
@Component
class ProjectListHandler {

    private final ProjectStore store;
    private final ProjectHandler projects;
    private final ProjectResponses responses;
    private final Callers callers;

    ProjectListHandler(ProjectStore store, ProjectHandler projects, ProjectResponses responses, Callers callers) {
        this.store = store;
        this.projects = projects;
        this.responses = responses;
        this.callers = callers;
    }

    Mono<ServerResponse> own(ServerRequest request) {
        return callers.required(request, Scope.PROJECTS_READ).flatMap(user -> {
            ProjectQuery query = ProjectQuery.ownList(request);
            int limit = Pages.limit(request);
            return store.listOwned(user.id(), query, limit + 1).collectList()
                    .flatMap(found -> ServerResponse.ok().bodyValue(page(found, limit, query)));
        });
    }

    Mono<ServerResponse> search(ServerRequest request) {
        return projects.reader(request).flatMap(caller -> {
            ProjectQuery query = ProjectQuery.search(request);
            int limit = Pages.limit(request);
            return store.search(caller.map(CurrentUser::id).orElse(null), query, limit + 1).collectList()
                    .flatMap(found -> ServerResponse.ok().bodyValue(page(found, limit, query)));
        });
    }

    private Map<String, Object> page(List<ProjectStore.Listed> found, int limit, ProjectQuery query) {
        Map<String, Object> body = Pages.keysetBody(found, limit, query::cursorAfter);
        @SuppressWarnings("unchecked")
        List<ProjectStore.Listed> items = (List<ProjectStore.Listed>) body.get("items");
        body.put("items", items.stream().map(listed -> responses.summary(listed.project())).toList());
        return body;
    }
}

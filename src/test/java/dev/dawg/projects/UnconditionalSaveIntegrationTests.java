package dev.dawg.projects;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.ProjectAccess.Grant;
import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;
import dev.dawg.users.Role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ProjectWrites#saveNamed}, the save of a client that holds no version, and {@link ProjectLists}, lists by
 * position: the services the DAWG client's dialect maps onto.
 */
@IntegrationTest
class UnconditionalSaveIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired
    Api api;
    @Autowired
    ProjectWrites writes;
    @Autowired
    ProjectLists lists;
    @Autowired
    ProjectAccess access;
    @Autowired
    JsonMapper json;
    @Autowired
    DatabaseClient db;

    private Grant grant(Api.User user, UUID projectId) {
        return access.grant(Optional.of(CurrentUser.fromAccessToken(user.id(), user.username(), Set.of(Role.USER))), projectId, null)
                .block(WAIT);
    }

    private ObjectNode named(String json) {
        return (ObjectNode) this.json.readTree(json);
    }

    private List<Integer> history(UUID projectId) {
        return db.sql("SELECT version FROM project_versions WHERE project_id = :id ORDER BY version").bind("id", projectId)
                .map(row -> row.get("version", Integer.class)).all().collectList().block(WAIT);
    }

    @Test
    void shouldLandEveryOneOfManySavesAtOnceAsAVersionOfItsOwn() {
        Api.User owner = api.signUp();
        UUID id = UUID.fromString((String) api.createProject(owner).get("id"));
        Grant grant = grant(owner, id);
        int writers = ProjectWrites.UNCONDITIONAL_TRIES;
        List<Integer> versions = Flux.range(0, writers)
                .flatMap(n -> writes.saveNamed(grant, named("{}"), ("{\"writer\":" + n + "}").getBytes()), writers)
                .map(written -> written.project().version())
                .collectList().block(WAIT);
        assertThat(versions).hasSize(writers).doesNotHaveDuplicates();
        assertThat(history(id)).hasSize(writers + 1).endsWith(writers + 1);
    }

    @Test
    void shouldKeepWhatASaveDoesNotName() {
        Api.User owner = api.signUp();
        UUID id = UUID.fromString((String) api.createProject(owner, Map.of("description", "kept", "bpm", 93,
                "projectData", Map.of("tracks", List.of()))).get("id"));
        ProjectWrites.Written written = writes.saveNamed(grant(owner, id), named("{\"title\":\"Renamed\",\"visibility\":\"public\"}"), null)
                .block(WAIT);
        Project project = written.project();
        assertThat(project.title()).isEqualTo("Renamed");
        assertThat(project.description()).isEqualTo("kept");
        assertThat(project.bpm()).isEqualTo(93);
        assertThat(project.version()).isEqualTo(2);
        assertThat(new String(written.document())).isEqualTo("{\"tracks\":[]}");
        assertThat(history(id)).containsExactly(1, 2);
    }

    @Test
    void shouldRefuseADocumentNamedNullAndStoreNothing() {
        Api.User owner = api.signUp();
        UUID id = UUID.fromString((String) api.createProject(owner).get("id"));
        assertThatThrownBy(() -> writes.saveNamed(grant(owner, id), named("{\"projectData\":null}"), null).block(WAIT))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> assertThat(problem.code()).isEqualTo("VALIDATION_FAILED"));
        assertThat(history(id)).containsExactly(1);
    }

    @Test
    void shouldListAllOfTheOwnersProjectsToThemAndOnlyThePublicOnesToOthers() {
        Api.User owner = api.signUp();
        String first = (String) api.createProject(owner, Map.of("title", "A", "visibility", "public")).get("id");
        api.createProject(owner, Map.of("title", "B", "visibility", "unlisted"));
        String last = (String) api.createProject(owner, Map.of("title", "C")).get("id");
        Optional<CurrentUser> asOwner = Optional.of(CurrentUser.fromAccessToken(owner.id(), owner.username(), Set.of(Role.USER)));

        ProjectLists.Page mine = lists.ownedBy(asOwner, owner.id(), ProjectLists.Order.CREATED, false, 0, 2).block(WAIT);
        assertThat(mine.total()).isEqualTo(3);
        assertThat(mine.projects()).extracting(Project::title).containsExactly("C", "B");
        ProjectLists.Page oldestFirst = lists.ownedBy(asOwner, owner.id(), ProjectLists.Order.CREATED, true, 2, 2).block(WAIT);
        assertThat(oldestFirst.projects()).extracting(project -> project.id().toString()).containsExactly(last);

        ProjectLists.Page theirs = lists.ownedBy(Optional.empty(), owner.id(), ProjectLists.Order.TITLE, true, 0, 10).block(WAIT);
        assertThat(theirs.total()).isEqualTo(1);
        assertThat(theirs.projects()).extracting(project -> project.id().toString()).containsExactly(first);
    }
}

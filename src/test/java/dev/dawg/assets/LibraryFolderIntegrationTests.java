package dev.dawg.assets;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import dev.dawg.support.Api;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Folders of the personal library: nesting, renaming, moving without cycles, deleting only when empty, and their bounds. */
@AssetIntegrationTest
@Import(LibraryApi.class)
public class LibraryFolderIntegrationTests {

    @Autowired
    Api api;

    @Autowired
    AssetApi assets;

    @Autowired
    LibraryApi library;

    @Test
    void shouldNestListRenameAndMoveFolders() {
        Api.User owner = api.signUp();
        String drums = library.folder(owner, "Drums", null);
        String kicks = library.folder(owner, "Kicks", drums);
        String vocals = library.folder(owner, "Vocals", null);

        assertThat(library.items(owner, "/api/asset-folders")).extracting(item -> item.get("name")).containsExactly("Drums", "Kicks", "Vocals");
        assertThat(library.items(owner, "/api/asset-folders?parentId=root")).extracting(item -> item.get("id")).containsExactly(drums, vocals);
        assertThat(library.items(owner, "/api/asset-folders?parentId=" + drums)).singleElement()
                .satisfies(item -> assertThat(item).containsEntry("name", "Kicks").containsEntry("parentId", drums).containsKey("createdAt"));

        library.send(owner, "PATCH", "/api/asset-folders/" + kicks, Map.of("name", "808s", "parentId", vocals)).expectStatus().isOk()
                .expectBody(MAP).value(body -> assertThat(body).containsEntry("name", "808s").containsEntry("parentId", vocals));
        Map<String, Object> toTop = new HashMap<>();
        toTop.put("parentId", null);
        library.send(owner, "PATCH", "/api/asset-folders/" + kicks, toTop).expectStatus().isOk()
                .expectBody(MAP).value(body -> assertThat(body).containsEntry("parentId", null));

        Map<String, Object> page = library.getJson(owner, "/api/asset-folders?limit=2");
        assertThat((List<?>) page.get("items")).hasSize(2);
        assertThat((List<?>) library.getJson(owner, "/api/asset-folders?limit=2&cursor=" + page.get("nextCursor")).get("items")).hasSize(1);
    }

    @Test
    void shouldNeverMoveAFolderIntoItself() {
        Api.User owner = api.signUp();
        String top = library.folder(owner, "Top", null);
        String middle = library.folder(owner, "Middle", top);
        String bottom = library.folder(owner, "Bottom", middle);

        assertProblem(library.send(owner, "PATCH", "/api/asset-folders/" + top, Map.of("parentId", bottom)), 409, "CONFLICT");
        assertProblem(library.send(owner, "PATCH", "/api/asset-folders/" + top, Map.of("parentId", top)), 409, "CONFLICT");
        assertThat(library.items(owner, "/api/asset-folders?parentId=root")).extracting(item -> item.get("id")).containsExactly(top);
    }

    @Test
    void shouldKeepNamesUniqueAmongSiblingsAndWellFormed() {
        Api.User owner = api.signUp();
        String drums = library.folder(owner, "Drums", null);
        library.folder(owner, "Drums", drums); // another level: fine

        assertProblem(library.createFolder(owner, "drums", null), 409, "CONFLICT");
        String other = library.folder(owner, "Other", null);
        assertProblem(library.send(owner, "PATCH", "/api/asset-folders/" + other, Map.of("name", "DRUMS")), 409, "CONFLICT");
        assertProblem(library.createFolder(owner, "a/b", null), 400, "VALIDATION_FAILED");
        assertProblem(library.createFolder(owner, "  ", null), 400, "VALIDATION_FAILED");
        assertProblem(library.createFolder(owner, "x".repeat(101), null), 400, "VALIDATION_FAILED");
        assertProblem(library.createFolder(owner, "..", null), 400, "VALIDATION_FAILED");
        assertProblem(library.send(owner, "POST", "/api/asset-folders", Map.of("name", "x", "color", "red")), 400, "VALIDATION_FAILED");
        library.createFolder(owner, "x".repeat(100), null).expectStatus().isCreated();
    }

    @Test
    void shouldBoundDepthAndCount() {
        Api.User owner = api.signUp();
        String parent = null;
        for (int level = 1; level <= 8; level++) {
            parent = library.folder(owner, "Level " + level, parent);
        }
        assertProblem(library.createFolder(owner, "Level 9", parent), 409, "CONFLICT");
        String pair = library.folder(owner, "Pair", null);
        library.folder(owner, "Inner", pair);
        String seventh = (String) library.items(owner, "/api/asset-folders?limit=100").stream()
                .filter(item -> "Level 7".equals(item.get("name"))).findFirst().orElseThrow().get("id");
        assertProblem(library.send(owner, "PATCH", "/api/asset-folders/" + pair, Map.of("parentId", seventh)), 409, "CONFLICT");

        library.addFolders(owner.id(), 500 - 10 - 1);
        library.createFolder(owner, "The last one", null).expectStatus().isCreated();
        assertProblem(library.createFolder(owner, "One too many", null), 409, "CONFLICT");
    }

    @Test
    void shouldHoldTheBoundsAgainstConcurrentRequests() {
        Api.User owner = api.signUp();
        String a = library.folder(owner, "A", null);
        String b = library.folder(owner, "B", null);
        library.addFolders(owner.id(), 500 - 2 - 3);

        // Each into the other at once: one of them must be refused, or the two would make a cycle.
        List<Integer> crossed = Flux.just(List.of(a, b), List.of(b, a)).parallel(2).runOn(Schedulers.boundedElastic())
                .map(pair -> library.send(owner, "PATCH", "/api/asset-folders/" + pair.get(0), Map.of("parentId", pair.get(1)))
                        .returnResult(String.class).getStatus().value())
                .sequential().collectList().block();
        assertThat(crossed).containsExactlyInAnyOrder(200, 409);

        List<Integer> created = Flux.range(0, 8).parallel(8).runOn(Schedulers.boundedElastic())
                .map(i -> library.createFolder(owner, "Racer " + i, null).returnResult(String.class).getStatus().value())
                .sequential().collectList().block();
        assertThat(created).filteredOn(status -> status == 201).hasSize(3);
        assertThat(created).filteredOn(status -> status == 409).hasSize(5);
    }

    @Test
    void shouldDeleteOnlyAnEmptyFolder() {
        Api.User owner = api.signUp();
        String outer = library.folder(owner, "Outer", null);
        String inner = library.folder(owner, "Inner", outer);
        Object asset = library.uploaded(owner, AssetApi.resource("tone-44k1-16bit-mono.wav"), inner).get("id");

        assertProblem(library.send(owner, "DELETE", "/api/asset-folders/" + outer, null), 409, "CONFLICT");
        assertProblem(library.send(owner, "DELETE", "/api/asset-folders/" + inner, null), 409, "CONFLICT");
        library.send(owner, "DELETE", "/api/assets/" + asset, null).expectStatus().isNoContent();
        library.send(owner, "DELETE", "/api/asset-folders/" + inner, null).expectStatus().isNoContent();
        library.send(owner, "DELETE", "/api/asset-folders/" + outer, null).expectStatus().isNoContent();
        assertProblem(library.send(owner, "DELETE", "/api/asset-folders/" + outer, null), 404, "NOT_FOUND");

        String target = library.folder(owner, "Target", null);
        library.send(owner, "POST", "/api/assets/uploads", Map.of("filename", "t.wav", "sizeBytes", 100, "contentType", "audio/wav", "folderId", target))
                .expectStatus().isCreated();
        assertProblem(library.send(owner, "DELETE", "/api/asset-folders/" + target, null), 409, "CONFLICT");
    }

    @Test
    void shouldAnswer404ForAnotherUsersFolder() {
        Api.User owner = api.signUp();
        Api.User other = api.signUp();
        String folder = library.folder(owner, "Private", null);

        assertProblem(library.send(other, "PATCH", "/api/asset-folders/" + folder, Map.of("name", "Mine now")), 404, "NOT_FOUND");
        assertProblem(library.send(other, "DELETE", "/api/asset-folders/" + folder, null), 404, "NOT_FOUND");
        assertProblem(library.createFolder(other, "Inside", folder), 400, "VALIDATION_FAILED");
        String theirs = library.folder(other, "Theirs", null);
        assertProblem(library.send(other, "PATCH", "/api/asset-folders/" + theirs, Map.of("parentId", folder)), 400, "VALIDATION_FAILED");
        assertThat(library.items(other, "/api/asset-folders")).extracting(item -> item.get("id")).containsExactly(theirs);
        assertProblem(library.send(other, "DELETE", "/api/asset-folders/not-an-id", null), 404, "NOT_FOUND");
    }
}

package dev.dawg.assets;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.boot.test.context.TestComponent;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;

import static dev.dawg.support.Api.MAP;

/** The personal library's test vocabulary: folders and library uploads as a client makes them, and looks into the tables. */
@TestComponent
public class LibraryApi {

    private final AssetApi assets;
    private final DatabaseClient db;

    LibraryApi(AssetApi assets, DatabaseClient db) {
        this.assets = assets;
        this.db = db;
    }

    WebTestClient.ResponseSpec createFolder(Api.User user, String name, Object parentId) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        if (parentId != null) {
            body.put("parentId", parentId.toString());
        }
        return send(user, "POST", "/api/asset-folders", body);
    }

    String folder(Api.User user, String name, Object parentId) {
        return (String) createFolder(user, name, parentId).expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody().get("id");
    }

    WebTestClient.ResponseSpec send(Api.User user, String method, String uri, Object body) {
        WebTestClient.RequestBodySpec request = assets.http().method(org.springframework.http.HttpMethod.valueOf(method)).uri(uri)
                .header(HttpHeaders.AUTHORIZATION, user.bearer());
        return body == null ? request.exchange() : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    Map<String, Object> getJson(Api.User user, String uri) {
        return send(user, "GET", uri, null).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> items(Api.User user, String uri) {
        return (List<Map<String, Object>>) getJson(user, uri).get("items");
    }

    WebTestClient.ResponseSpec upload(Api.User user, byte[] bytes, String folderId) {
        return assets.uploadTo("/api/assets", user.bearer(), "take.wav", bytes, MediaType.APPLICATION_OCTET_STREAM,
                folderId == null ? Map.of() : Map.of("folderId", folderId));
    }

    Map<String, Object> uploaded(Api.User user, byte[] bytes, String folderId) {
        return upload(user, bytes, folderId).expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
    }

    /** Rows of the user's personal library. */
    long libraryRows(UUID owner) {
        return db.sql("SELECT count(*) FROM assets WHERE owner_id = :id AND project_id IS NULL").bind("id", owner)
                .map(row -> row.get(0, Long.class)).one().block();
    }

    /** Adds {@code count} folders at the top level of the user's library straight into the table. */
    void addFolders(UUID owner, int count) {
        db.sql("INSERT INTO asset_folders (owner_id, name) SELECT :id, 'bulk ' || g FROM generate_series(1, :n) g")
                .bind("id", owner).bind("n", count).fetch().rowsUpdated().block();
    }
}

package dev.dawg.dawgclient.library;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.unit.DataSize;

import dev.dawg.assets.AssetApi;
import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DAWG client's personal library, replayed call by call as {@code api.js}, {@code uploadService.js} and
 * {@code useFileBrowserStore.js} make them (same methods, paths, bodies and headers), asserting the fields the client
 * then reads; and the unhappy paths in the dialect's error shape.
 */
@IntegrationTest
class ClientLibraryIntegrationTests {

    private static final String BASE = "/dawg-client/api";

    @Autowired
    Api api;

    @Autowired
    DatabaseClient db;

    @Autowired
    ObjectStorage storage;

    private final HttpClient browser = HttpClient.newHttpClient();

    /** {@code ApiClient.request}: JSON body with Content-Type when there is one, the bearer token always. */
    WebTestClient.ResponseSpec call(Api.User user, String method, String path, Object body) {
        WebTestClient.RequestBodySpec request = api.http().method(org.springframework.http.HttpMethod.valueOf(method)).uri(BASE + path)
                .header(HttpHeaders.AUTHORIZATION, user.bearer());
        return body == null ? request.exchange() : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    Map<String, Object> ok(WebTestClient.ResponseSpec response) {
        return response.expectStatus().is2xxSuccessful().expectBody(MAP).returnResult().getResponseBody();
    }

    /** The dialect's error shape, with the status and code. */
    static Map<String, Object> clientError(WebTestClient.ResponseSpec response, int status, String code) {
        Map<String, Object> body = response.expectStatus().isEqualTo(status).expectBody(MAP).returnResult().getResponseBody();
        assertThat(body).containsOnlyKeys("error");
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) body.get("error");
        assertThat(error).containsEntry("code", code);
        assertThat((String) error.get("message")).isNotBlank();
        return error;
    }

    /** uploadService.uploadUserAsset: request, credentials (bearer only, no body), the PUT with AccessKey, then complete. */
    Map<String, Object> uploadUserAsset(Api.User user, String filename, byte[] file, String folderPath, Object parentFolderId) throws Exception {
        Map<String, Object> credentials = requestAndCredentials(user, filename, file.length, folderPath, parentFolderId);
        assertThat(putLikeTheClient(credentials, file, "audio/wav").statusCode()).isBetween(200, 299);
        return ok(call(user, "POST", "/assets/upload/complete/" + credentials.get("assetId"), null));
    }

    Map<String, Object> requestAndCredentials(Api.User user, String filename, long size, String folderPath, Object parentFolderId) {
        Map<String, Object> body = new HashMap<>();
        body.put("filename", filename);
        body.put("size", size);
        body.put("mimeType", "audio/wav");
        body.put("folderPath", folderPath);
        body.put("parentFolderId", parentFolderId);
        Map<String, Object> request = ok(call(user, "POST", "/assets/upload/request", body));
        assertThat((String) request.get("uploadUrl")).isNotBlank();
        Map<String, Object> credentials = ok(api.http().post().uri(BASE + "/assets/upload/" + request.get("assetId") + "/credentials")
                .header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange());
        assertThat((String) credentials.get("accessKey")).isNotBlank().doesNotContain(user.accessToken());
        credentials.put("assetId", request.get("assetId"));
        return credentials;
    }

    /** uploadToBunnyCDN: an XHR PUT of the file to {@code uploadUrl} with AccessKey and Content-Type. */
    HttpResponse<String> putLikeTheClient(Map<String, Object> credentials, byte[] file, String type) throws Exception {
        return putWithKey(credentials, (String) credentials.get("accessKey"), file, type);
    }

    HttpResponse<String> putWithKey(Map<String, Object> credentials, String key, byte[] file, String type) throws Exception {
        HttpRequest put = HttpRequest.newBuilder(URI.create((String) credentials.get("uploadUrl")))
                .header("AccessKey", key).header("Content-Type", type)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(file)).build();
        return browser.send(put, HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> listAssets(Api.User user) {
        Map<String, Object> body = ok(call(user, "GET", "/assets?limit=1000", null));
        assertThat(body).containsKeys("total", "limit", "offset");
        return (List<Map<String, Object>>) body.get("assets");
    }

    static Map<String, Object> row(List<Map<String, Object>> rows, Object id) {
        return rows.stream().filter(row -> id.equals(row.get("id"))).findFirst().orElseThrow();
    }

    @Test
    void shouldServeTheFileBrowsersLibraryCallByCall() throws Exception {
        Api.User user = api.signUp();
        byte[] wav = resource("tone-44k1-16bit-mono.wav");

        Map<String, Object> quota = ok(call(user, "GET", "/assets/quota", null));
        assertThat(((Number) quota.get("used_bytes")).longValue()).isZero();
        assertThat(((Number) quota.get("quota_bytes")).longValue()).isEqualTo(DataSize.ofGigabytes(1).toBytes());

        Map<String, Object> folderBody = new HashMap<>();
        folderBody.put("name", "Yeni Klasör");
        folderBody.put("parentFolderId", null);
        Map<String, Object> folder = ok(call(user, "POST", "/assets/folders", folderBody));
        assertThat(folder).containsEntry("name", "Yeni Klasör").containsEntry("parentFolderId", null).containsKey("id");
        Object folderId = folder.get("id");

        Map<String, Object> asset = uploadUserAsset(user, "kick.wav", wav, "/", folderId);
        assertThat((String) asset.get("storage_url")).isEqualTo(BASE + "/assets/" + asset.get("id") + "/file");
        assertThat(asset).containsEntry("storageUrl", asset.get("storage_url")).containsEntry("parent_folder_id", folderId)
                .containsEntry("folder_path", "/Yeni Klasör").containsEntry("filename", "kick.wav").containsEntry("mime_type", "audio/wav");
        assertThat(((Number) ok(call(user, "GET", "/assets/quota", null)).get("used_bytes")).longValue()).isEqualTo(wav.length);

        List<Map<String, Object>> rows = listAssets(user);
        assertThat(row(rows, folderId)).containsEntry("mime_type", "folder").containsEntry("filename", "Yeni Klasör")
                .containsEntry("folder_path", "/").containsEntry("parent_folder_id", null);
        assertThat(row(rows, asset.get("id"))).containsEntry("parent_folder_id", folderId).containsEntry("name", "kick.wav")
                .containsKeys("storage_url", "storage_key", "storageKey", "folder_path");

        // normalizeAssetUrl: ${baseURL}/assets/${id}/file, fetched with the bearer token, ranges as audio elements ask.
        api.http().get().uri(BASE + "/assets/" + asset.get("id") + "/file").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .header(HttpHeaders.RANGE, "bytes=0-99").exchange()
                .expectStatus().isEqualTo(206).expectHeader().valueEquals(HttpHeaders.CONTENT_RANGE, "bytes 0-99/" + wav.length);
        byte[] whole = api.http().get().uri(BASE + "/assets/" + asset.get("id") + "/file").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(whole).isEqualTo(wav);

        ok(call(user, "PATCH", "/assets/" + asset.get("id") + "/rename", Map.of("newName", "Big Kick.wav")));
        assertThat(row(listAssets(user), asset.get("id"))).containsEntry("filename", "Big Kick.wav");

        Map<String, Object> folders = ok(call(user, "GET", "/assets/folders", null));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listed = (List<Map<String, Object>>) folders.get("folders");
        assertThat(listed).singleElement().satisfies(item -> assertThat(item).containsEntry("id", folderId).containsEntry("name", "Yeni Klasör"));

        clientError(call(user, "DELETE", "/assets/folders/" + folderId, null), 409, "CONFLICT");
        Map<String, Object> toRoot = new HashMap<>();
        toRoot.put("folderPath", "/");
        toRoot.put("parentFolderId", null);
        Map<String, Object> moved = ok(call(user, "PATCH", "/assets/" + asset.get("id") + "/move", toRoot));
        assertThat(moved).containsEntry("parent_folder_id", null).containsEntry("folder_path", "/");
        call(user, "DELETE", "/assets/folders/" + folderId, null).expectStatus().is2xxSuccessful();

        call(user, "DELETE", "/assets/" + asset.get("id"), null).expectStatus().is2xxSuccessful();
        assertThat(listAssets(user)).isEmpty();
        assertThat(((Number) ok(call(user, "GET", "/assets/quota", null)).get("used_bytes")).longValue()).isZero();
    }

    @Test
    void shouldMapFolderPathsOntoFolders() throws Exception {
        Api.User user = api.signUp();
        Object drums = ok(call(user, "POST", "/assets/folders", Map.of("name", "Drums"))).get("id");
        Object kicks = ok(call(user, "POST", "/assets/folders", Map.of("name", "Kicks", "parentFolderId", drums))).get("id");
        byte[] wav = resource("tone-44k1-16bit-mono.wav");

        Map<String, Object> byPath = uploadUserAsset(user, "a.wav", wav, "/drums/KICKS/", null);
        assertThat(byPath).containsEntry("parent_folder_id", kicks).containsEntry("folder_path", "/Drums/Kicks");
        Map<String, Object> move = new HashMap<>();
        move.put("folderPath", "/Drums");
        move.put("parentFolderId", null);
        assertThat(ok(call(user, "PATCH", "/assets/" + byPath.get("id") + "/move", move))).containsEntry("parent_folder_id", drums);
        assertThat((List<?>) ok(call(user, "GET", "/assets/folders?parentFolderId=" + drums, null)).get("folders")).hasSize(1);

        Map<String, Object> unknown = new HashMap<>();
        unknown.put("filename", "b.wav");
        unknown.put("size", wav.length);
        unknown.put("mimeType", "audio/wav");
        unknown.put("folderPath", "/Nowhere");
        unknown.put("parentFolderId", null);
        clientError(call(user, "POST", "/assets/upload/request", unknown), 404, "NOT_FOUND");
        clientError(call(user, "GET", "/assets?limit=1000&folderPath=/Nowhere", null), 404, "NOT_FOUND");
    }

    @Test
    void shouldRefuseAnUploadPastTheQuotaInTheClientsShape() {
        Api.User user = api.signUp();
        long quota = DataSize.ofGigabytes(1).toBytes();
        db.sql("INSERT INTO storage_usage (user_id, used_bytes) VALUES (:id, :n) ON CONFLICT (user_id) DO UPDATE SET used_bytes = :n")
                .bind("id", user.id()).bind("n", quota - 1000).fetch().rowsUpdated().block();
        Map<String, Object> body = new HashMap<>();
        body.put("filename", "big.wav");
        body.put("size", 5000);
        body.put("mimeType", "audio/wav");
        body.put("folderPath", "/");
        body.put("parentFolderId", null);

        clientError(call(user, "POST", "/assets/upload/request", body), 413, "QUOTA_EXCEEDED");
        assertThat(uploadRows(user.id())).isZero();
    }

    @Test
    void shouldRefuseAFileThatIsNotAudioAndKeepNothing() throws Exception {
        Api.User user = api.signUp();
        Set<String> before = AssetApi.storedKeys(storage);
        byte[] text = "this is not audio at all, only text that says so".repeat(50).getBytes();
        Map<String, Object> credentials = requestAndCredentials(user, "fake.wav", text.length, "/", null);

        HttpResponse<String> put = putLikeTheClient(credentials, text, "audio/wav");
        assertThat(put.statusCode()).isEqualTo(415);
        assertThat(put.body()).contains("\"error\"").contains("UNSUPPORTED_MEDIA_TYPE");
        assertThat(uploadRows(user.id())).isZero();
        assertThat(before).containsAll(AssetApi.storedKeys(storage));
        clientError(call(user, "POST", "/assets/upload/complete/" + credentials.get("assetId"), null), 404, "NOT_FOUND");
        assertThat(((Number) ok(call(user, "GET", "/assets/quota", null)).get("used_bytes")).longValue()).isZero();
    }

    @Test
    void shouldTakeAPutOnlyWithItsOwnKeyAndOfItsDeclaredSize() throws Exception {
        Api.User user = api.signUp();
        byte[] wav = resource("tone-44k1-16bit-mono.wav");
        Map<String, Object> credentials = requestAndCredentials(user, "kick.wav", wav.length, "/", null);

        assertThat(putWithKey(credentials, user.accessToken(), wav, "audio/wav").statusCode()).as("the user's token is no key").isEqualTo(404);
        assertThat(putWithKey(credentials, "uk_guessed", wav, "audio/wav").statusCode()).isEqualTo(404);
        byte[] longer = java.util.Arrays.copyOf(wav, wav.length + 10);
        HttpResponse<String> tooLong = putLikeTheClient(credentials, longer, "audio/wav");
        assertThat(tooLong.statusCode()).isEqualTo(413);
        assertThat(tooLong.body()).contains("\"error\"");
        assertThat(uploadRows(user.id())).isZero();
    }

    /**
     * The client builds a sample's URL from its id and fetches it without credentials in most places (its buffer pool,
     * waveforms, audio elements with crossOrigin=anonymous, the publish render): found in a walk of the real client, where
     * every such fetch of a musician's own sample was a 404. So the dialect serves a library file to whoever presents its
     * id (a random UUID listed to its owner alone), as DAWG's public CDN URLs did; the native API keeps it the owner's.
     */
    @Test
    void shouldServeALibraryFileToWhoeverHoldsItsId() throws Exception {
        Api.User owner = api.signUp();
        byte[] wav = resource("tone-44k1-16bit-mono.wav");
        Map<String, Object> asset = uploadUserAsset(owner, "kick.wav", wav, "/", null);

        byte[] anonymous = api.http().get().uri(BASE + "/assets/" + asset.get("id") + "/file").exchange().expectStatus().isOk()
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(anonymous).isEqualTo(wav);
        api.http().get().uri(BASE + "/assets/" + asset.get("id") + "/file").header(HttpHeaders.AUTHORIZATION, api.signUp().bearer())
                .header(HttpHeaders.RANGE, "bytes=0-3").exchange().expectStatus().isEqualTo(206);
        clientError(api.http().get().uri(BASE + "/assets/" + UUID.randomUUID() + "/file").exchange(), 404, "NOT_FOUND");
        clientError(api.http().get().uri(BASE + "/assets/not-an-id/file").exchange(), 404, "NOT_FOUND");
        // The native content route keeps the owner's rule.
        api.http().get().uri("/api/assets/" + asset.get("id") + "/content").exchange().expectStatus().isNotFound();
        // Deleted, it is gone for everyone.
        call(owner, "DELETE", "/assets/" + asset.get("id"), null).expectStatus().is2xxSuccessful();
        clientError(api.http().get().uri(BASE + "/assets/" + asset.get("id") + "/file").exchange(), 404, "NOT_FOUND");
    }

    @Test
    void shouldAnswer404ForAnotherUsersAssetsFoldersAndUploads() throws Exception {
        Api.User owner = api.signUp();
        Api.User other = api.signUp();
        Object folder = ok(call(owner, "POST", "/assets/folders", Map.of("name", "Mine"))).get("id");
        Map<String, Object> asset = uploadUserAsset(owner, "kick.wav", resource("tone-44k1-16bit-mono.wav"), "/", folder);
        Map<String, Object> pending = requestAndCredentials(owner, "next.wav", 100, "/", null);

        // The file itself is served to whoever holds its id (see shouldServeALibraryFileToWhoeverHoldsItsId); nothing else.
        clientError(call(other, "PATCH", "/assets/" + asset.get("id") + "/rename", Map.of("newName", "mine.wav")), 404, "NOT_FOUND");
        clientError(call(other, "PATCH", "/assets/" + asset.get("id") + "/move", Map.of("folderPath", "/")), 404, "NOT_FOUND");
        clientError(call(other, "DELETE", "/assets/" + asset.get("id"), null), 404, "NOT_FOUND");
        clientError(call(other, "DELETE", "/assets/folders/" + folder, null), 404, "NOT_FOUND");
        clientError(call(other, "GET", "/assets?limit=1000&parentFolderId=" + folder, null), 404, "NOT_FOUND");
        clientError(api.http().post().uri(BASE + "/assets/upload/" + pending.get("assetId") + "/credentials")
                .header(HttpHeaders.AUTHORIZATION, other.bearer()).exchange(), 404, "NOT_FOUND");
        clientError(call(other, "POST", "/assets/upload/complete/" + pending.get("assetId"), null), 404, "NOT_FOUND");
        assertThat(ok(call(other, "GET", "/assets?limit=1000", null)).get("assets")).asList().isEmpty();
        assertThat((List<?>) ok(call(other, "GET", "/assets/folders", null)).get("folders")).isEmpty();
        api.http().get().uri(BASE + "/assets?limit=1000").exchange().expectStatus().isUnauthorized();
    }

    long uploadRows(UUID owner) {
        return db.sql("SELECT count(*) FROM asset_uploads WHERE owner_id = :id").bind("id", owner).map(row -> row.get(0, Long.class)).one().block();
    }

    // ---- project previews (ProjectsPage's publish flow, uploadService.uploadProjectPreview)

    /** projectService.createProject as the client sends it; returns the project's id. */
    @SuppressWarnings("unchecked")
    private String createProject(Api.User user, String title) {
        Map<String, Object> body = ok(call(user, "POST", "/projects", Map.of("title", title, "bpm", 120, "projectData", Map.of("tracks", List.of()),
                "isPublic", false, "isUnlisted", false)));
        return (String) ((Map<String, Object>) body.get("project")).get("id");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> project(Api.User user, String id) {
        return (Map<String, Object>) ok(call(user, "GET", "/projects/" + id, null)).get("project");
    }

    /** uploadToServer: multipart {@code duration} then {@code file} named {@code <projectId>-preview.wav}. */
    private WebTestClient.ResponseSpec uploadPreview(Api.User user, String projectId, String duration, byte[] file) {
        org.springframework.http.client.MultipartBodyBuilder form = new org.springframework.http.client.MultipartBodyBuilder();
        form.part("duration", duration);
        form.part("file", new org.springframework.core.io.ByteArrayResource(file)).filename(projectId + "-preview.wav")
                .contentType(MediaType.valueOf("audio/wav"));
        WebTestClient.RequestBodySpec request = api.http().post().uri(BASE + "/projects/" + projectId + "/upload-preview");
        if (user != null) {
            request.header(HttpHeaders.AUTHORIZATION, user.bearer());
        }
        return request.body(org.springframework.web.reactive.function.BodyInserters.fromMultipartData(form.build())).exchange();
    }

    private long projectAssets(String projectId) {
        return db.sql("SELECT count(*) FROM assets WHERE project_id = :id").bind("id", UUID.fromString(projectId))
                .map(row -> row.get(0, Long.class)).one().block();
    }

    /**
     * The publish flow as the client runs it here: the rendered WAV goes to the musician's library (request,
     * credentials, PUT with AccessKey, complete), its {@code storage_url} is PUT as the project's preview, then the
     * project goes public. Listeners then hear the preview from the feed through the project's access rule, while the
     * library file itself stays the musician's alone; no project version is made by the preview.
     */
    @Test
    void shouldPublishWithThePreviewTheClientPutInTheLibrary() throws Exception {
        Api.User owner = api.signUp();
        byte[] wav = resource("tone-44k1-16bit-mono.wav");
        String id = createProject(owner, "Release");
        Map<String, Object> file = uploadUserAsset(owner, id + "-preview.wav", wav, "/", null);

        Map<String, Object> preview = new HashMap<>();
        preview.put("previewAudioUrl", file.get("storage_url"));
        preview.put("previewAudioDuration", 3);
        preview.put("previewAudioRenderedAt", "2026-12-06T16:00:00.000Z");
        preview.put("previewAudioStatus", "ready");
        ok(call(owner, "PUT", "/projects/" + id, preview));
        ok(call(owner, "PUT", "/projects/" + id, Map.of("isPublic", true)));

        String previewUrl = BASE + "/projects/" + id + "/preview/file";
        // Absolute, on the host the request came to: the client puts it in an audio element as it is.
        assertThat((String) project(owner, id).get("previewAudioUrl")).matches("http://[^/]+" + previewUrl);
        assertThat(project(owner, id)).containsEntry("previewAudioStatus", "ready")
                .containsEntry("isPublic", true).containsEntry("version", 2).containsKeys("previewAudioRenderedAt", "thumbnailUrl");
        assertThat(((Number) project(owner, id).get("previewAudioDuration")).doubleValue()).isPositive();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> feed = (List<Map<String, Object>>) ok(call(api.signUp(), "GET", "/feed?page=1&limit=50", null)).get("projects");
        assertThat((String) row(feed, id).get("previewAudioUrl")).endsWith(previewUrl);

        // ProjectCard's <audio src>: no Authorization header; ranges as media elements ask.
        assertThat(api.http().get().uri(previewUrl).exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody())
                .isEqualTo(wav);
        api.http().get().uri(previewUrl).header(HttpHeaders.RANGE, "bytes=0-9").exchange().expectStatus().isEqualTo(206)
                .expectHeader().valueEquals(HttpHeaders.CONTENT_RANGE, "bytes 0-9/" + wav.length);
        api.http().get().uri("/api/assets/" + file.get("id") + "/content").exchange().expectStatus().isNotFound();

        // Unpublished, the preview is the owner's again.
        ok(call(owner, "PUT", "/projects/" + id, Map.of("isPublic", false)));
        api.http().get().uri(previewUrl).exchange().expectStatus().isNotFound();
        api.http().get().uri(previewUrl).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange().expectStatus().isOk();
        // A null URL removes the preview; the library file stays.
        Map<String, Object> remove = new HashMap<>();
        remove.put("previewAudioUrl", null);
        ok(call(owner, "PUT", "/projects/" + id, remove));
        assertThat(project(owner, id)).containsEntry("previewAudioUrl", null).containsEntry("previewAudioStatus", null);
        assertThat(row(listAssets(owner), file.get("id"))).containsEntry("filename", id + "-preview.wav");
    }

    /** The server upload (the client's fallback): {@code {message, previewAudioUrl, duration}}, a new one replacing the old. */
    @Test
    void shouldTakeThePreviewUploadedThroughTheServerAndReplaceIt() {
        Api.User owner = api.signUp();
        byte[] wav = resource("tone-44k1-16bit-mono.wav");
        byte[] stereo = resource("tone-48k-24bit-stereo.wav");
        String id = createProject(owner, "Fallback");

        Map<String, Object> first = ok(uploadPreview(owner, id, "12.75", wav));
        assertThat(first).containsEntry("message", "Preview uploaded successfully").containsKey("duration");
        assertThat((String) first.get("previewAudioUrl")).matches("http://[^/]+" + BASE + "/projects/" + id + "/preview/file");
        Map<String, Object> second = ok(uploadPreview(owner, id, "4", stereo));
        assertThat(second).containsEntry("previewAudioUrl", first.get("previewAudioUrl"));
        assertThat(projectAssets(id)).as("the replaced preview is deleted").isEqualTo(1);
        assertThat(((Number) ok(call(owner, "GET", "/assets/quota", null)).get("used_bytes")).longValue()).isEqualTo(stereo.length);
        assertThat(api.http().get().uri(BASE + "/projects/" + id + "/preview/file").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody()).isEqualTo(stereo);
        assertThat(project(owner, id)).containsEntry("previewAudioStatus", "ready").containsEntry("version", 1);
    }

    /** Refusals in the dialect's shape, and nothing kept of a refused upload. */
    @Test
    void shouldRefuseBadPreviewsAndKeepNothingOfThem() {
        Api.User owner = api.signUp();
        Api.User other = api.signUp();
        byte[] wav = resource("tone-44k1-16bit-mono.wav");
        String id = createProject(owner, "Guarded");

        clientError(uploadPreview(owner, id, "forever", wav), 400, "VALIDATION_FAILED");
        clientError(uploadPreview(owner, id, "3", "not audio at all, just text".getBytes()), 415, "UNSUPPORTED_MEDIA_TYPE");
        clientError(uploadPreview(other, id, "3", wav), 404, "NOT_FOUND");
        clientError(uploadPreview(null, id, "3", wav), 401, "UNAUTHORIZED");
        assertThat(projectAssets(id)).isZero();
        assertThat(((Number) ok(call(owner, "GET", "/assets/quota", null)).get("used_bytes")).longValue()).isZero();

        // Someone else's library file, a URL elsewhere, a duration that is not a number: 400, and the PUT saves nothing.
        Map<String, Object> theirs = uploadUserAssetQuietly(other, wav);
        for (Map<String, Object> body : List.<Map<String, Object>>of(
                Map.of("title", "Hijacked", "previewAudioUrl", theirs.get("storage_url")),
                Map.of("title", "Hijacked", "previewAudioUrl", "https://cdn.example.test/song.wav"),
                Map.of("title", "Hijacked", "previewAudioUrl", BASE + "/assets/" + UUID.randomUUID() + "/file", "previewAudioDuration", "long"))) {
            Map<String, Object> error = clientError(call(owner, "PUT", "/projects/" + id, body), 400, "VALIDATION_FAILED");
            assertThat((String) error.get("message")).containsPattern("previewAudio(Url|Duration)");
        }
        assertThat(project(owner, id)).containsEntry("title", "Guarded").containsEntry("version", 1).containsEntry("previewAudioUrl", null);
        api.http().get().uri(BASE + "/projects/" + id + "/preview/file").header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isNotFound();
    }

    private Map<String, Object> uploadUserAssetQuietly(Api.User user, byte[] wav) {
        try {
            return uploadUserAsset(user, "theirs.wav", wav, "/", null);
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The AI co-producer is out of scope: 501 in the dialect's shape, so the client shows a message. */
    @Test
    void shouldAnswerTheCoProducerWithNotImplemented() {
        Api.User user = api.signUp();
        clientError(call(user, "POST", "/co-producer/suggestions", Map.of("context", Map.of("bpm", 120))), 501, "NOT_IMPLEMENTED");
        clientError(call(user, "POST", "/co-producer/generate", Map.of("prompt", "lofi drums")), 501, "NOT_IMPLEMENTED");
        clientError(api.http().post().uri(BASE + "/co-producer/generate").contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange(),
                401, "UNAUTHORIZED");
    }

    static byte[] resource(String name) {
        try (InputStream in = ClientLibraryIntegrationTests.class.getResourceAsStream("/audio/" + name)) {
            return in.readAllBytes();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}

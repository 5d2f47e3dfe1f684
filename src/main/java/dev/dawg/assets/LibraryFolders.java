package dev.dawg.assets;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

import dev.dawg.platform.persistence.SqlErrors;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.JsonFields;

/**
 * The folders of a user's personal sample library: created, listed, renamed, moved and deleted by their owner only
 * (anyone else's folder is a 404). Bounded: at most {@link #MAX_DEPTH} levels, {@link #MAX_FOLDERS} folders per user,
 * names of at most {@link #MAX_NAME_LENGTH} characters, unique among siblings; a folder never moves into itself
 * and is deleted only when it holds nothing.
 */
@Service
public class LibraryFolders {

    public static final int MAX_DEPTH = 8;
    public static final int MAX_FOLDERS = 500;
    public static final int MAX_NAME_LENGTH = 100;
    /** Path separators (the DAWG client names folders by path) and control characters are not part of a name. */
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");
    private static final Pattern NAME = Pattern.compile("[^/\\\\\\p{Cntrl}]+");

    private final FolderStore store;
    private final TransactionalOperator transactions;

    LibraryFolders(FolderStore store, TransactionalOperator transactions) {
        this.store = store;
        this.transactions = transactions;
    }

    /** The owner's folder; 404 when it is not theirs. */
    public Mono<AssetFolder> find(UUID ownerId, UUID folderId) {
        return store.find(ownerId, folderId).switchIfEmpty(Mono.error(LibraryFolders::notFound));
    }

    /** Every folder of the owner (at most {@link #MAX_FOLDERS}), oldest first. */
    public Flux<AssetFolder> all(UUID ownerId) {
        return store.all(ownerId);
    }

    /** A page of folders by name (see {@link FolderStore#list}). */
    Flux<AssetFolder> list(UUID ownerId, UUID parentId, boolean topLevel, String afterName, UUID afterId, int limit) {
        return store.list(ownerId, parentId, topLevel, afterName, afterId, limit);
    }

    /** A new folder in {@code parentId} (null: at the top level). */
    public Mono<AssetFolder> create(UUID ownerId, UUID parentId, String name) {
        return Mono.fromCallable(() -> checkName(name)).flatMap(checked -> store.lockTree(ownerId)
                .then(parentId == null ? Mono.just(0) : store.depth(ownerId, parentId).switchIfEmpty(Mono.error(LibraryFolders::parentNotFound)))
                .flatMap(parentDepth -> parentDepth + 1 > MAX_DEPTH ? Mono.error(tooDeep()) : store.count(ownerId))
                .flatMap(count -> count >= MAX_FOLDERS ? Mono.error(tooMany()) : store.insert(ownerId, parentId, checked)))
                .as(transactions::transactional)
                .onErrorMap(LibraryFolders::isNameTaken, ex -> nameTaken());
    }

    /**
     * Renames the folder ({@code name} present) and/or moves it under {@code parentId} ({@code move}; null parent:
     * to the top level), never into itself or below itself, nor deeper than allowed with all it holds.
     */
    public Mono<AssetFolder> update(UUID ownerId, UUID folderId, Optional<String> name, boolean move, UUID parentId) {
        Mono<Void> placement = move ? checkPlacement(ownerId, folderId, parentId) : Mono.empty();
        return Mono.fromCallable(() -> name.map(LibraryFolders::checkName)).flatMap(checked -> store.lockTree(ownerId)
                .then(find(ownerId, folderId))
                .flatMap(folder -> placement.then(store.update(ownerId, folderId, checked.orElse(null), move, parentId))))
                .as(transactions::transactional)
                .onErrorMap(LibraryFolders::isNameTaken, ex -> nameTaken());
    }

    /** The new parent exists, is not the folder nor below it, and leaves every level within {@link #MAX_DEPTH}. */
    private Mono<Void> checkPlacement(UUID ownerId, UUID folderId, UUID parentId) {
        Mono<Integer> parentDepth = parentId == null ? Mono.just(0)
                : store.depth(ownerId, parentId).switchIfEmpty(Mono.error(LibraryFolders::parentNotFound));
        return parentDepth.zipWith(store.subtree(folderId, parentId)).flatMap(found -> {
            if (found.getT2().holds()) {
                return Mono.error(ApiProblem.conflict("A folder cannot move into itself or into one of its own subfolders"));
            }
            return found.getT1() + found.getT2().height() > MAX_DEPTH ? Mono.error(tooDeep()) : Mono.empty();
        });
    }

    /** Deletes the owner's folder; 409 while it holds subfolders, assets or uploads in flight. */
    public Mono<Void> delete(UUID ownerId, UUID folderId) {
        return store.deleteEmpty(ownerId, folderId)
                .onErrorMap(SqlErrors::isForeignKeyViolation, ex -> notEmpty())
                .flatMap(deleted -> deleted ? Mono.<Void>empty() : find(ownerId, folderId).then(Mono.error(notEmpty())));
    }

    /**
     * Each of the owner's folders by id with its path from the top level ({@code /Drums/Kicks}): the DAWG client names
     * folders by path.
     */
    public Mono<Map<UUID, String>> paths(UUID ownerId) {
        return all(ownerId).collectList().map(LibraryFolders::paths);
    }

    /** Each of these folders (one user's, all of them) by id with its path from the top level. */
    public static Map<UUID, String> paths(List<AssetFolder> folders) {
        Map<UUID, AssetFolder> byId = folders.stream().collect(Collectors.toMap(AssetFolder::id, f -> f));
        return folders.stream().collect(Collectors.toMap(AssetFolder::id, f -> path(f, byId)));
    }

    private static String path(AssetFolder folder, Map<UUID, AssetFolder> byId) {
        StringBuilder path = new StringBuilder();
        AssetFolder at = folder;
        for (int level = 0; at != null && level <= MAX_DEPTH; level++) {
            path.insert(0, "/" + at.name());
            at = at.parentId() == null ? null : byId.get(at.parentId());
        }
        return path.toString();
    }

    /** The id in the optional field {@code name} (a folder of the caller's), null when absent or JSON null. */
    public static UUID idField(JsonFields fields, String name) {
        return fields.optionalString(name, 1, 36).map(id -> {
            if (UUID_TEXT.matcher(id).matches()) {
                return UUID.fromString(id);
            }
            fields.reject(name, "must be the id of one of your folders");
            return null;
        }).orElse(null);
    }

    static String checkName(String name) {
        String stripped = name == null ? "" : name.strip();
        if (stripped.isEmpty() || stripped.length() > MAX_NAME_LENGTH || !NAME.matcher(stripped).matches()
                || stripped.equals(".") || stripped.equals("..")) {
            throw ApiProblem.validation("name", "must be 1 to " + MAX_NAME_LENGTH + " characters, without '/', '\\' or control characters");
        }
        return stripped;
    }

    private static boolean isNameTaken(Throwable failure) {
        return SqlErrors.uniqueViolation(failure).filter("asset_folders_sibling_name_idx"::equals).isPresent();
    }

    private static ApiProblem nameTaken() {
        return ApiProblem.conflict("There is already a folder of that name there");
    }

    private static ApiProblem tooDeep() {
        return ApiProblem.conflict("Folders nest at most " + MAX_DEPTH + " levels deep");
    }

    private static ApiProblem tooMany() {
        return ApiProblem.conflict("A library holds at most " + MAX_FOLDERS + " folders");
    }

    private static ApiProblem notEmpty() {
        return ApiProblem.conflict("The folder is not empty: move or delete what it holds first");
    }

    static ApiProblem notFound() {
        return ApiProblem.notFound("Folder not found");
    }

    private static ApiProblem parentNotFound() {
        return ApiProblem.validation("parentId", "is not one of your folders");
    }
}

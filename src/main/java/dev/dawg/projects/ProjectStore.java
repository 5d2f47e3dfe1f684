package dev.dawg.projects;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.r2dbc.postgresql.api.ErrorDetails;
import io.r2dbc.postgresql.api.PostgresqlException;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.function.Tuple2;
import reactor.util.function.Tuples;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;

import dev.dawg.platform.persistence.ReadRouting;
import dev.dawg.platform.persistence.SqlErrors;
import dev.dawg.platform.web.ApiProblem;

import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.ProjectAccess.ShareFacts;

/**
 * The projects and project_versions tables. Every write is one SQL statement that changes the project and
 * stores its version in history together (a snapshot, or a PATCH's delta), so a version is never acknowledged without
 * its history entry, and the version check is part of the UPDATE itself: of writers racing on one version exactly one
 * matches a row. A version stored as a delta leaves the project row's document as it was: the row keeps its chain's
 * snapshot, and the head is rebuilt from it and the deltas after it by any read that does not find it in memory (V31).
 * <p>
 * Each write also states the account limits ({@link ProjectLimits}) that the V15 triggers enforce in the same
 * statement: live projects per owner, labelled versions per project, and the owner's history bytes (pruning the
 * project's oldest unlabelled versions to make room first). A refusal fails the whole statement, so nothing of
 * the write is kept.
 */
@Repository
class ProjectStore {

    private static final String SNAPSHOT_COLUMNS = "project_id, version, title, description, tags, bpm, key_signature, "
            + "time_signature, project_data, author_id, size_bytes, label";

    private final DatabaseClient db;
    private final ReadRouting reads;
    private final ProjectLimits limits;
    private final JsonMapper json;

    ProjectStore(DatabaseClient db, ReadRouting reads, ProjectLimits limits, JsonMapper json) {
        this.db = db;
        this.reads = reads;
        this.limits = limits;
        this.json = json;
    }

    /** A history entry without its document. */
    record VersionSummary(int version, Instant createdAt, UUID authorId, int sizeBytes, String label) {

        static VersionSummary from(Readable row) {
            return new VersionSummary(row.get("version", Integer.class), row.get("created_at", OffsetDateTime.class).toInstant(),
                    row.get("author_id", UUID.class), row.get("size_bytes", Integer.class), row.get("label", String.class));
        }
    }

    /** Creates a project at version 1 with its first snapshot. */
    Mono<Project> create(UUID ownerId, ProjectInput content, String label) {
        return create(ownerId, content, null, RemixNote.NONE, label);
    }

    /**
     * Creates a project at version 1 with its first snapshot; for a remix, also counts it on the original and stores
     * the remixer's {@code note} with it.
     */
    Mono<Project> create(UUID ownerId, ProjectInput content, UUID remixedFrom, RemixNote note, String label) {
        String remix = remixedFrom == null ? ""
                : ", counted AS (UPDATE projects SET remix_count = remix_count + 1 WHERE id = :remixedFrom RETURNING 1) ";
        String sql = "WITH created AS (INSERT INTO projects (owner_id, title, description, tags, bpm, key_signature, "
                + "time_signature, visibility, project_data, remixed_from, remix_summary, remix_credits) SELECT :owner, :title, "
                + ":description, :tags, :bpm, :key, :timeSignature, :visibility, " + DOCUMENT + ", :remixedFrom, :remixSummary, "
                + ":remixCredits WHERE " + STATES_LIMITS + " RETURNING *), "
                + "snapshot AS (INSERT INTO project_versions (" + SNAPSHOT_COLUMNS + ") SELECT id, version, title, description, "
                + "tags, bpm, key_signature, time_signature, project_data, owner_id, :size, :label FROM created)" + remix
                + " SELECT " + Project.columns("") + " FROM created";
        GenericExecuteSpec spec = bindContent(db.sql(sql), content, label)
                .bind("owner", ownerId)
                .bind("visibility", content.visibility() == null ? "private" : content.visibility().wireName());
        spec = nullable(spec, "remixSummary", note.changesSummary(), String.class);
        spec = nullable(spec, "remixCredits", note.credits(), String.class);
        return written(nullable(spec, "remixedFrom", remixedFrom, UUID.class), content);
    }

    /**
     * The project with the share link named by {@code shareToken} (for the access rule), and its document when
     * {@code withData} (a read whose document is cached, or a revalidation, needs only the metadata).
     */
    Mono<Tuple2<Project, java.util.Optional<ShareFacts>>> findForRead(UUID id, String shareToken, boolean withData) {
        return db.sql("SELECT " + Project.columns("p") + (withData ? ", " + STORED_DOCUMENT + ", " : ", ")
                        + ProjectAccess.SHARE_COLUMNS + " FROM projects p " + ProjectAccess.SHARE_JOIN
                        + " WHERE p.id = :id AND p.deleted_at IS NULL")
                .bind("id", id)
                .bind("shareToken", shareToken == null ? "" : shareToken)
                .map(row -> Tuples.of(stored(row, withData), java.util.Optional.ofNullable(ShareFacts.from(row))))
                .one()
                .flatMap(found -> head(found.getT1()).map(project -> Tuples.of(project, found.getT2())));
    }

    /** The project's metadata without its document (for history routes, which only need the head). */
    Mono<Project> find(UUID id) {
        return db.sql("SELECT " + Project.columns("p") + " FROM projects p WHERE p.id = :id AND p.deleted_at IS NULL")
                .bind("id", id)
                .map(row -> Project.from(row, false))
                .one();
    }

    /** The project with its document, for a patch or a copy. */
    Mono<Project> findWithData(UUID id) {
        return db.sql("SELECT " + Project.columns("p") + ", " + STORED_DOCUMENT + " FROM projects p "
                        + "WHERE p.id = :id AND p.deleted_at IS NULL")
                .bind("id", id)
                .map(row -> stored(row, true))
                .one()
                .flatMap(this::head);
    }

    /**
     * What the project's row holds of its document (V31): the document of version {@code dataVersion}, or of the
     * current version when that is null.
     */
    private static final String STORED_DOCUMENT = "p.project_data::text AS project_data_text, p.data_version";

    /** A project row as read, with the document its row holds and the version that document is of (null: the current). */
    private record StoredProject(Project project, Integer dataVersion) {
    }

    private static StoredProject stored(Readable row, boolean withData) {
        return new StoredProject(Project.from(row, withData), withData ? row.get("data_version", Integer.class) : null);
    }

    /**
     * The project with its current document: the one its row holds, or, when that is an older snapshot (the versions
     * after it were stored as deltas), rebuilt from it and the deltas of the versions after it, off the event loop when
     * that is more than a little work ({@link PatchWork}).
     */
    private Mono<Project> head(StoredProject stored) {
        Project project = stored.project();
        Integer dataVersion = stored.dataVersion();
        if (dataVersion == null) {
            return Mono.just(project);
        }
        return db.sql("SELECT version, delta::text AS delta_text, delta_kind, document_crc32c FROM project_versions "
                        + "WHERE project_id = :id AND version > :snapshot AND version <= :version ORDER BY version")
                .bind("id", project.id())
                .bind("snapshot", dataVersion)
                .bind("version", project.version())
                .map(row -> {
                    String kind = row.get("delta_kind", String.class);
                    Integer crc = row.get("document_crc32c", Integer.class);
                    return kind == null ? NOT_A_DELTA : new DocumentDelta(kind, row.get("delta_text", String.class), crc == null ? 0 : crc);
                })
                .all()
                .collectList()
                .flatMap(deltas -> {
                    if (deltas.size() != project.version() - dataVersion || deltas.contains(NOT_A_DELTA)) {
                        return Mono.error(new IllegalStateException("Project " + project.id() + " at version " + project.version()
                                + " keeps the document of version " + dataVersion + ", but its history lacks the deltas after it"));
                    }
                    String snapshot = project.projectData();
                    return PatchWork.run((long) snapshot.length() * deltas.size(), () -> DocumentDelta.rebuild(snapshot, deltas, json))
                            .map(project::withData);
                });
    }

    /** Stands for a version in a head's chain that is not stored as a delta (which no write leaves). */
    private static final DocumentDelta NOT_A_DELTA = new DocumentDelta("", null, 0);

    /**
     * Writes the next version if the project is still at {@code expectedVersion}; empty when it is not (or is
     * gone), which the caller turns into a 409 or 404.
     */
    Mono<Project> update(UUID id, int expectedVersion, ProjectInput content, UUID authorId, String label) {
        return update(id, expectedVersion, content, authorId, label, null, false);
    }

    /**
     * The same, with the version stored in history as {@code delta} (a PATCH's) rather than as a snapshot when it
     * may be: the version it patches is stored, the version is not labelled, and the chain stays within
     * {@link #CHAIN_VERSIONS} versions and {@link #CHAIN_DELTA_BYTES} bytes of deltas. The decision is taken in the
     * statement, from the history as it is there, under the project row's lock that the UPDATE holds.
     */
    Mono<Project> update(UUID id, int expectedVersion, ProjectInput content, UUID authorId, String label, DocumentDelta delta,
            boolean documentChecked) {
        if (delta == null || label != null) {
            return update(id, expectedVersion, content, authorId, label, delta, documentChecked, true);
        }
        // Most patches are stored as deltas: first without the document, and again with it in the rare case (once a
        // chain) where the statement finds the version must be a snapshot and refuses (YD001, nothing kept).
        return update(id, expectedVersion, content, authorId, label, delta, documentChecked, false)
                .onErrorResume(ProjectStore::documentNeeded,
                        needed -> update(id, expectedVersion, content, authorId, label, delta, documentChecked, true));
    }

    private Mono<Project> update(UUID id, int expectedVersion, ProjectInput content, UUID authorId, String label, DocumentDelta delta,
            boolean documentChecked, boolean withDocument) {
        // The decision (delta or snapshot) comes first, from the history and the row as they are when the statement starts;
        // the UPDATE then matches only if the project is still at the expected version, so nothing it read has changed.
        // A delta leaves the row's document as it is (PostgreSQL keeps the stored value, nothing of it is written again)
        // and records which version that document is of (V31).
        String sql = "WITH "
                + (delta == null ? "as_delta AS (SELECT false AS yes), "
                        // Both look at the newest chain only (at most CHAIN_VERSIONS rows), not at the whole history kept.
                        : "chain AS (SELECT version AS first FROM project_versions WHERE project_id = :id AND version <= :expected "
                        + "AND project_data IS NOT NULL ORDER BY version DESC LIMIT 1), "
                        + "as_delta AS (SELECT coalesce(count(v.version) = :expected - c.first + 1 AND count(v.version) < :chainVersions "
                        + "AND sum(coalesce(octet_length(v.delta::text), 0)) + coalesce(octet_length(:delta::text), 0) <= :chainBytes "
                        + "AND :label::text IS NULL AND c.first = (SELECT coalesce(data_version, version) FROM projects WHERE id = :id), "
                        + "false) AS yes FROM (SELECT (SELECT first FROM chain) AS first) c LEFT JOIN project_versions v "
                        + "ON v.project_id = :id AND v.version >= (SELECT first FROM chain) AND v.version <= :expected GROUP BY c.first), ")
                + "updated AS (UPDATE projects p SET title = :title, description = :description, tags = :tags, bpm = :bpm, "
                + "key_signature = :key, time_signature = :timeSignature, visibility = COALESCE(:visibility, p.visibility), "
                + "project_data = CASE WHEN d.yes THEN p.project_data ELSE "
                + (withDocument ? (documentChecked ? CHECKED_DOCUMENT : DOCUMENT) : "dawg_document_needed()") + " END, "
                + "data_version = CASE WHEN d.yes THEN coalesce(p.data_version, p.version) END, version = p.version + 1, updated_at = now() "
                + "FROM as_delta d WHERE p.id = :id AND p.version = :expected AND p.deleted_at IS NULL AND " + STATES_LIMITS
                + " RETURNING p.*), "
                + "snapshot AS (INSERT INTO project_versions (" + SNAPSHOT_COLUMNS + ", delta, delta_kind, document_crc32c) "
                + "SELECT id, version, title, description, tags, bpm, key_signature, time_signature, "
                + "CASE WHEN as_delta.yes THEN NULL ELSE project_data END, :author, :size, :label, "
                + (delta == null ? "NULL, NULL, NULL" : "CASE WHEN as_delta.yes THEN " + DELTA + " END, "
                        + "CASE WHEN as_delta.yes THEN :deltaKind END, CASE WHEN as_delta.yes THEN :crc END")
                + " FROM updated, as_delta) "
                + "SELECT " + Project.columns("") + " FROM updated";
        GenericExecuteSpec spec = bindContent(db.sql(sql), content, label, withDocument)
                .bind("id", id)
                .bind("expected", expectedVersion)
                .bind("author", authorId);
        if (delta != null) {
            spec = nullable(spec, "delta", delta.patch(), String.class)
                    .bind("deltaKind", delta.kind())
                    .bind("crc", delta.crc32c())
                    .bind("chainVersions", CHAIN_VERSIONS)
                    .bind("chainBytes", CHAIN_DELTA_BYTES);
        }
        return written(nullable(spec, "visibility", content.visibility() == null ? null : content.visibility().wireName(), String.class), content);
    }

    /** The most versions a chain (a snapshot and the deltas after it) holds: a rebuild applies at most one fewer deltas. */
    static final int CHAIN_VERSIONS = 32;
    /** The most bytes of deltas a chain holds: past them the next version is a snapshot again. */
    static final int CHAIN_DELTA_BYTES = 32 * 1024;

    /** Runs a write of {@code content} with its snapshot: the project as stored, with the document written. */
    private static Mono<Project> written(GenericExecuteSpec spec, ProjectInput content) {
        return spec.map(row -> Project.from(row, false)).one()
                .onErrorMap(SqlErrors::isRefusedJson, ProjectStore::unstorableData)
                .onErrorMap(ProjectStore::isLimitRefusal, ProjectStore::limitRefusal)
                .map(project -> project.withData(content.projectData()));
    }

    /** The stored version of a live project (empty when it does not exist or was deleted). */
    Mono<Integer> currentVersion(UUID id) {
        return db.sql("SELECT version FROM projects WHERE id = :id AND deleted_at IS NULL")
                .bind("id", id).map(row -> row.get("version", Integer.class)).one();
    }

    Mono<Long> currentRemixCount(UUID id) {
        return db.sql("SELECT remix_count FROM projects WHERE id = :id").bind("id", id)
                .map(row -> row.get("remix_count", Number.class).longValue()).one();
    }

    /** Marks the project deleted; a trigger (V9) removes its assets in the same statement, and their objects follow at once. */
    Mono<Boolean> softDelete(UUID id) {
        return db.sql("UPDATE projects SET deleted_at = now() WHERE id = :id AND deleted_at IS NULL")
                .bind("id", id).fetch().rowsUpdated().map(count -> count > 0);
    }

    /** History, newest first, keyset-paginated by version. */
    Flux<VersionSummary> versions(UUID id, Integer beforeVersion, int limit) {
        return db.sql("SELECT version, created_at, author_id, size_bytes, label FROM project_versions WHERE project_id = :id "
                        + "AND version < :before ORDER BY version DESC LIMIT :limit")
                .bind("id", id)
                .bind("before", beforeVersion == null ? Integer.MAX_VALUE : beforeVersion)
                .bind("limit", limit)
                .map(VersionSummary::from)
                .all();
    }

    /**
     * One version as a project (its id and owner, the version's content and number, its document), the document
     * rebuilt from the version's snapshot and deltas when it was stored as a delta (off the event loop when that is
     * more than a little work, see {@link PatchWork}). Empty when the version is not stored.
     */
    Mono<Tuple2<VersionSummary, Project>> version(Project current, int version) {
        return versionChain(current, version).flatMap(chain -> {
            StoredVersion wanted = chain.get(chain.size() - 1);
            if (chain.get(0).summary().version() + chain.size() - 1 != version) {
                return Mono.error(new IllegalStateException("Version " + version + " of project " + current.id()
                        + " is stored as a delta whose chain is incomplete"));
            }
            if (chain.size() == 1) {
                return Mono.just(Tuples.of(wanted.summary(), wanted.content()));
            }
            String snapshot = chain.get(0).content().projectData();
            List<DocumentDelta> deltas = chain.subList(1, chain.size()).stream().map(StoredVersion::delta).toList();
            long cost = (long) snapshot.length() * deltas.size();
            return PatchWork.run(cost, () -> DocumentDelta.rebuild(snapshot, deltas, json))
                    .map(document -> Tuples.of(wanted.summary(), wanted.content().withData(document)));
        });
    }

    /** A stored version: its summary and content, and either its document (a snapshot) or its delta. */
    record StoredVersion(VersionSummary summary, Project content, DocumentDelta delta) {
    }

    /**
     * One version as a project (its id and owner, the version's content and number), with the versions its document
     * is rebuilt from: the newest snapshot at or before it, then each version after that up to it, in order (the
     * version itself last). Empty when the version is not stored.
     */
    Mono<List<StoredVersion>> versionChain(Project current, int version) {
        return db.sql("SELECT version, title, description, tags, bpm, key_signature, time_signature, author_id, size_bytes, "
                        + "label, created_at, project_data::text AS project_data_text, delta::text AS delta_text, delta_kind, "
                        + "document_crc32c FROM project_versions WHERE project_id = :id AND version <= :version AND version >= "
                        + "(SELECT max(version) FROM project_versions WHERE project_id = :id AND version <= :version "
                        + "AND project_data IS NOT NULL) ORDER BY version")
                .bind("id", current.id())
                .bind("version", version)
                .map(row -> {
                    String[] tags = row.get("tags", String[].class);
                    VersionSummary summary = VersionSummary.from(row);
                    Project snapshot = new Project(current.id(), current.ownerId(), row.get("title", String.class),
                            row.get("description", String.class), tags == null ? List.of() : List.of(tags), row.get("bpm", Integer.class),
                            row.get("key_signature", String.class), row.get("time_signature", String.class), current.visibility(),
                            summary.version(), current.remixedFromId(), current.likeCount(), current.commentCount(),
                            current.playCount(), current.remixCount(), current.createdAt(), summary.createdAt(), current.remixNote(),
                            row.get("project_data_text", String.class));
                    String kind = row.get("delta_kind", String.class);
                    Integer crc = row.get("document_crc32c", Integer.class);
                    DocumentDelta delta = kind == null ? null
                            : new DocumentDelta(kind, row.get("delta_text", String.class), crc == null ? 0 : crc);
                    return new StoredVersion(summary, snapshot, delta);
                })
                .all()
                .collectList()
                .filter(chain -> !chain.isEmpty() && chain.get(chain.size() - 1).summary().version() == version);
    }

    /**
     * Sets or removes a version's label. The project's row is locked before the version's, in the order every
     * other write of the project takes them, so that the labelled-version count and a concurrent deletion cannot deadlock.
     */
    Mono<VersionSummary> label(UUID id, int version, String label) {
        return nullable(bindLimits(db.sql("WITH project AS (SELECT id FROM projects WHERE id = :id FOR NO KEY UPDATE) "
                        + "UPDATE project_versions SET label = :label WHERE project_id = (SELECT id FROM project) AND version = :version "
                        + "AND " + STATES_LIMITS + " RETURNING version, created_at, author_id, size_bytes, label")), "label", label, String.class)
                .bind("id", id)
                .bind("version", version)
                .map(VersionSummary::from)
                .one()
                .onErrorMap(ProjectStore::isLimitRefusal, ProjectStore::limitRefusal);
    }

    /**
     * Drops unlabelled versions older than the newest {@code keep}, but those a kept delta is rebuilt from. It touches only project_versions rows
     * that no writer needs, so it never holds up a write to the project.
     */
    Mono<Long> prune(UUID id, int newestVersion, int keep) {
        // A version stays while a kept delta (newer than the retention, or labelled) is rebuilt from it: it lies between
        // that delta's snapshot (the newest at or before it) and the delta (V30). Such ranges come from two kinds of
        // kept delta only: the first version past the retention, whose chain may begin before it, and labelled deltas
        // within it; chains wholly past the retention protect nothing the statement could delete. Found once, not
        // asked again for every version it looks at.
        return db.sql("WITH first_kept AS (SELECT version FROM project_versions WHERE project_id = :id AND version > :oldest "
                        + "ORDER BY version LIMIT 1), "
                        + "kept_deltas AS (SELECT version FROM project_versions WHERE project_id = :id AND project_data IS NULL "
                        + "AND (version = (SELECT version FROM first_kept) OR (version <= :oldest AND label IS NOT NULL))), "
                        + "kept_ranges AS (SELECT (SELECT max(s.version) FROM project_versions s WHERE s.project_id = :id "
                        + "AND s.project_data IS NOT NULL AND s.version <= k.version) AS first, k.version AS last FROM kept_deltas k) "
                        + "DELETE FROM project_versions v WHERE v.project_id = :id AND v.label IS NULL AND v.version <= :oldest "
                        + "AND NOT EXISTS (SELECT 1 FROM kept_ranges r WHERE v.version >= r.first AND v.version < r.last) "
                        // Nor the snapshot the project's row keeps, nor anything after it: the head is rebuilt from them (V31).
                        + "AND v.version < (SELECT coalesce(data_version, version) FROM projects WHERE id = :id)")
                .bind("id", id)
                .bind("oldest", newestVersion - keep)
                .fetch().rowsUpdated();
    }

    /** A project of a list (a summary) and, in relevance order, its rank for the search text. */
    record Listed(Project project, Float rank) {
    }

    /** The owner's projects (summaries) with the list's filters, in keyset order. */
    Flux<Listed> listOwned(UUID ownerId, ProjectQuery query, int limit) {
        String sql = query.sql("SELECT " + Project.columns("p") + " FROM projects p WHERE p.owner_id = :owner AND p.deleted_at IS NULL");
        // Lists and searches may lag a little: they go to the replica if there is one (never for a caller who just wrote).
        return reads.read(ownerId, client -> query.bind(client.sql(sql)).bind("owner", ownerId).bind("limit", limit)
                .map(row -> new Listed(Project.from(row, false), null)).all());
    }

    /**
     * One page by position of the owner's projects (summaries) with the list's filters, and how many there are in
     * all, both from the same place (the replica unless {@code callerId} just wrote).
     */
    Mono<ProjectLists.Page> pageOwned(UUID callerId, UUID ownerId, ProjectQuery query, long offset, int limit) {
        String where = " FROM projects p WHERE p.owner_id = :owner AND p.deleted_at IS NULL";
        Mono<List<Project>> page = reads.read(callerId, client -> query.bind(client.sql(query.positionalSql("SELECT " + Project.columns("p") + where)))
                .bind("owner", ownerId).bind("limit", limit).bind("offset", offset)
                .map(row -> Project.from(row, false)).all()).collectList();
        Mono<Long> total = reads.read(callerId, client -> query.bind(client.sql(query.countSql("SELECT count(*) AS total" + where)))
                .bind("owner", ownerId).map(row -> row.get("total", Long.class)).all()).single();
        return Mono.zip(page, total, ProjectLists.Page::new);
    }

    /** Public projects and the caller's own, ranked or sorted as the query asks, in keyset order. */
    Flux<Listed> search(UUID callerId, ProjectQuery query, int limit) {
        String sql = searchSql(query);
        return reads.read(callerId, client -> bindSearch(client.sql(sql), callerId, query, limit)
                .map(row -> new Listed(Project.from(row, false), query.ranked() ? row.get("rank", Float.class) : null)).all());
    }

    /** The statement of {@link #search} (also explained by a test that checks it is index-driven). */
    static String searchSql(ProjectQuery query) {
        return query.sql("SELECT " + Project.columns("p") + query.rankColumn() + " FROM projects p "
                + "WHERE p.deleted_at IS NULL AND (p.visibility = 'public' OR p.owner_id = :caller)");
    }

    static GenericExecuteSpec bindSearch(GenericExecuteSpec spec, UUID callerId, ProjectQuery query, int limit) {
        return query.bind(spec).bind("caller", callerId == null ? new UUID(0, 0) : callerId).bind("limit", limit);
    }

    /** The members of {@code content}, its snapshot's size and label, and the limits the write states. */
    private GenericExecuteSpec bindContent(GenericExecuteSpec spec, ProjectInput content, String label) {
        return bindContent(spec, content, label, true);
    }

    /** The same, without the document when {@code withDocument} is false (a write that stores a delta). */
    private GenericExecuteSpec bindContent(GenericExecuteSpec spec, ProjectInput content, String label, boolean withDocument) {
        spec = bindLimits(spec).bind("title", content.title())
                .bind("size", content.sizeBytes())
                .bind("description", content.description())
                .bind("tags", content.tags().toArray(String[]::new));
        if (withDocument) {
            spec = spec.bind("data", content.projectData());
        }
        spec = nullable(spec, "bpm", content.bpm(), Integer.class);
        spec = nullable(spec, "key", content.keySignature(), String.class);
        spec = nullable(spec, "label", label, String.class);
        return nullable(spec, "timeSignature", content.timeSignature(), String.class);
    }

    /**
     * The document as the SQL stores it: the client's text, bound as text and kept as json (V20), never passing through
     * jsonb, whose normalised form is not what was written. dawg_document refuses what jsonb refuses (a 400).
     */
    private static final String DOCUMENT = "dawg_document(:data)";
    /**
     * A document the server serialised and found plainly storable ({@link DocumentCheck}): json's own parse checks its
     * syntax, without the second parse as jsonb.
     */
    private static final String CHECKED_DOCUMENT = "(:data)::json";

    /**
     * A delta as the SQL stores it: checked as a document is (dawg_document), since every value it brings into the
     * document is in it; the document itself, left as it was, is not sent.
     */
    private static final String DELTA = "dawg_document(:delta)";
    /** The statement found that the version must be stored as a snapshot, and was sent without its document (V31). */
    private static final String DOCUMENT_NEEDED = "YD001";

    private static boolean documentNeeded(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PostgresqlException postgres) {
                return DOCUMENT_NEEDED.equals(postgres.getErrorDetails().getCode());
            }
        }
        return false;
    }

    /** The SQL condition by which a write states its limits to the V15 triggers (always true). */
    private static final String STATES_LIMITS = "dawg_project_limits(:historyQuota, :maxLabelled, :maxProjects)";
    private static final String HISTORY_QUOTA_EXCEEDED = "YQ001";
    private static final String LABELLED_VERSIONS_EXCEEDED = "YQ002";
    private static final String PROJECTS_EXCEEDED = "YQ003";

    private GenericExecuteSpec bindLimits(GenericExecuteSpec spec) {
        return spec.bind("historyQuota", limits.historyQuota().toBytes())
                .bind("maxLabelled", limits.maxLabelledVersions())
                .bind("maxProjects", limits.maxProjects());
    }

    private static boolean isLimitRefusal(Throwable failure) {
        return refusal(failure).isPresent();
    }

    private static Optional<ErrorDetails> refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PostgresqlException postgres) {
                ErrorDetails details = postgres.getErrorDetails();
                return Set.of(HISTORY_QUOTA_EXCEEDED, LABELLED_VERSIONS_EXCEEDED, PROJECTS_EXCEEDED).contains(details.getCode())
                        ? Optional.of(details) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** A limit the V15 triggers refused; the statement failed as a whole, so nothing of the write was stored. */
    private static ApiProblem limitRefusal(Throwable failure) {
        ErrorDetails details = refusal(failure).orElseThrow();
        String detail = details.getDetail().orElse("");
        return switch (details.getCode()) {
            case HISTORY_QUOTA_EXCEEDED -> {
                // DETAIL: the new version's stored bytes, the owner's history bytes before the write, after pruning, the quota.
                long[] figures = java.util.Arrays.stream(detail.split(" ")).mapToLong(Long::parseLong).toArray();
                yield ApiProblem.of(HttpStatus.CONTENT_TOO_LARGE, "QUOTA_EXCEEDED", "This version needs " + figures[0]
                                + " bytes of history storage, which would take the project owner's history to " + figures[2]
                                + " bytes, past its limit of " + figures[3] + " bytes, even after pruning every older unlabelled version "
                                + "of this project. Remove the label of versions no longer needed (PATCH /api/projects/{id}/versions/{version} "
                                + "with {\"label\": null}) or delete projects no longer needed, then try again.")
                        .with("neededBytes", figures[0]).with("usedBytes", figures[1]).with("limitBytes", figures[3]);
            }
            case LABELLED_VERSIONS_EXCEEDED -> ApiProblem.of(HttpStatus.CONFLICT, "QUOTA_EXCEEDED", "This project already keeps " + detail
                            + " labelled versions, the most a project may keep. Remove the label of one (PATCH /api/projects/{id}/versions/"
                            + "{version} with {\"label\": null}) before labelling another.")
                    .with("limit", Long.parseLong(detail));
            default -> ApiProblem.of(HttpStatus.CONFLICT, "QUOTA_EXCEEDED", "You already own " + detail
                            + " projects, the most one account may own. Delete a project before creating another.")
                    .with("limit", Long.parseLong(detail));
        };
    }

    /** The one statement failed as a whole, so nothing of the write was stored. */
    private static ApiProblem unstorableData(Throwable refused) {
        return ApiProblem.malformed("projectData holds a value that cannot be stored as JSON: an unpaired surrogate escape "
                + "(such as \\ud800) or a number out of range (such as 1e999999999)");
    }

    static GenericExecuteSpec nullable(GenericExecuteSpec spec, String name, Object value, Class<?> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}

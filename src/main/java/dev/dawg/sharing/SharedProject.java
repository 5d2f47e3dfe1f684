package dev.dawg.sharing;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import tools.jackson.databind.util.RawValue;

/**
 * A project in full, as a share link shows it. {@code projectData} (possibly several MB) comes as text from
 * {@link ProjectDocuments} and is written into the response as it is, never parsed into a tree and written again.
 */
final class SharedProject {

    /** The columns {@link #from} reads, for a query over {@code projects p}. */
    static final String COLUMNS = """
             p.id, p.owner_id, p.title, p.description, p.tags, p.bpm, p.key_signature, p.time_signature,
             p.visibility, p.version, p.remixed_from, p.like_count,
             p.comment_count, p.play_count, p.remix_count, p.created_at, p.updated_at\s""";

    private SharedProject() {
    }

    /** The project of {@code row}, without its document ({@link #withDocument}). */
    static Map<String, Object> from(Readable row) {
        Map<String, Object> project = new LinkedHashMap<>();
        project.put("id", row.get("id", UUID.class));
        project.put("ownerId", row.get("owner_id", UUID.class));
        project.put("title", row.get("title", String.class));
        project.put("description", row.get("description", String.class));
        String[] tags = row.get("tags", String[].class);
        project.put("tags", tags == null ? List.of() : Arrays.asList(tags));
        project.put("bpm", row.get("bpm", Integer.class));
        project.put("keySignature", row.get("key_signature", String.class));
        project.put("timeSignature", row.get("time_signature", String.class));
        project.put("visibility", row.get("visibility", String.class));
        project.put("version", row.get("version", Integer.class));
        project.put("remixedFromId", row.get("remixed_from", UUID.class));
        project.put("likeCount", row.get("like_count", Integer.class));
        project.put("commentCount", row.get("comment_count", Integer.class));
        project.put("playCount", row.get("play_count", Long.class));
        project.put("remixCount", row.get("remix_count", Integer.class));
        project.put("createdAt", row.get("created_at", OffsetDateTime.class).toInstant());
        project.put("updatedAt", row.get("updated_at", OffsetDateTime.class).toInstant());
        return project;
    }

    /** The project with its {@code document} (the JSON text of its version), last, as GET /api/projects/{id} has it. */
    static Map<String, Object> withDocument(Map<String, Object> project, String document) {
        project.put("projectData", new RawValue(document));
        return project;
    }
}

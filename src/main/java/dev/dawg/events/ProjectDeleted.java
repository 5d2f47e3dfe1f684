package dev.dawg.events;

import java.util.UUID;

/** Published once a project has been deleted (committed); its assets are already gone from the database then. */
public record ProjectDeleted(UUID projectId) {
}

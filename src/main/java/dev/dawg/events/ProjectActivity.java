package dev.dawg.events;

import java.util.UUID;

/**
 * Activity on a project that ranks it (trending): told after the like, comment, counted play or remix was stored.
 * Implementations return at once and never fail the action that caused it.
 */
public interface ProjectActivity {

    enum Kind { LIKE, COMMENT, PLAY, REMIX }

    void happened(UUID projectId, Kind kind);
}

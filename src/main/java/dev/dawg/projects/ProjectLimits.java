package dev.dawg.projects;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What one account may spend on projects, bound from {@code dawg.project-limits.*} (each mapped from a
 * {@code DAWG_*} variable in application.yaml).
 *
 * @param writes project writes (create, PUT, PATCH, restore, label, import, duplicate, remix) per user per
 *        {@code writesWindow}; past it 429 with Retry-After
 * @param writesWindow the window of {@code writes}
 * @param creates projects one user may create (create, import, duplicate, remix) per {@code createsWindow}
 * @param createsWindow the window of {@code creates}
 * @param maxProjects live (not deleted) projects one user may own; past it 409 {@code QUOTA_EXCEEDED}
 * @param maxLabelledVersions labelled versions one project may keep; past it 409 {@code QUOTA_EXCEEDED}
 * @param historyQuota stored (compressed) bytes of version history one user's projects may keep; a write past it
 *        first prunes the oldest unlabelled versions of the same project, and is refused (413 {@code QUOTA_EXCEEDED})
 *        only if that is not enough
 */
@ConfigurationProperties("dawg.project-limits")
public record ProjectLimits(
        @DefaultValue("600") int writes,
        @DefaultValue("10m") Duration writesWindow,
        @DefaultValue("100") int creates,
        @DefaultValue("1h") Duration createsWindow,
        @DefaultValue("1000") int maxProjects,
        @DefaultValue("50") int maxLabelledVersions,
        @DefaultValue("1GB") DataSize historyQuota) {

    public ProjectLimits {
        if (writes < 1 || creates < 1 || maxProjects < 1 || maxLabelledVersions < 1) {
            throw new IllegalArgumentException("dawg.project-limits: writes, creates, max-projects and max-labelled-versions must be at least 1");
        }
        if (writesWindow.toMillis() < 1000 || createsWindow.toMillis() < 1000) {
            throw new IllegalArgumentException("dawg.project-limits: the windows must be at least 1s");
        }
        if (historyQuota.toBytes() < 1) {
            throw new IllegalArgumentException("dawg.project-limits.history-quota must be positive");
        }
    }
}

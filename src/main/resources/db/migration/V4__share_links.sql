-- Share links: bearer tokens (≥ 128 bits) that open one project at one access level until they expire or the
-- owner revokes them. Revocation is a timestamp, so a revoked token answers 404 at once and stays auditable.
CREATE TABLE share_links (
    token        text PRIMARY KEY,
    project_id   uuid        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    created_by   uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    access_level text        NOT NULL CHECK (access_level IN ('view', 'remix', 'edit')),
    expires_at   timestamptz,
    view_count   bigint      NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);
CREATE INDEX share_links_project_idx ON share_links (project_id, created_at DESC) WHERE revoked_at IS NULL;

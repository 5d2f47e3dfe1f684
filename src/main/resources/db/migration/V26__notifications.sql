-- Notifications: someone liked, commented on, replied to, remixed or followed you (issue 18).
--
-- A row is a group of activities of one type by any number of actors on one project (or none, for follows):
-- a burst of 500 likes is one row counting 500 actors, not 500 rows. The group is "open" while it is unread and
-- younger than the grouping window; activities join the open group through an upsert on the partial unique index
-- below, which is what keeps the count exact when hundreds arrive at once. Reading a group, or the window passing,
-- closes it, and the next activity opens a new one.
CREATE TABLE notifications (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    recipient_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type             text        NOT NULL CHECK (type IN ('like', 'comment', 'reply', 'remix', 'follow')),
    project_id       uuid        REFERENCES projects (id) ON DELETE CASCADE,
    -- The latest comment of a comment or reply group.
    comment_id       uuid        REFERENCES comments (id) ON DELETE SET NULL,
    -- Distinct actors in the group (an actor among recent_actor_ids joining again is not counted twice).
    actor_count      integer     NOT NULL DEFAULT 1 CHECK (actor_count > 0),
    -- The latest actors, newest first, at most 10: shown (the first few) and used to count each actor once.
    recent_actor_ids uuid[]      NOT NULL,
    open             boolean     NOT NULL DEFAULT true,
    read_at          timestamptz,
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (NOT open OR read_at IS NULL)
);
-- The one open group per recipient, type and project (follows have no project: NULLS NOT DISTINCT, PostgreSQL 15+).
CREATE UNIQUE INDEX notifications_open_group_idx ON notifications (recipient_id, type, project_id) NULLS NOT DISTINCT WHERE open;
-- The inbox, latest activity first (keyset pagination on (updated_at, id)).
CREATE INDEX notifications_inbox_idx ON notifications (recipient_id, updated_at DESC, id DESC);
-- Unread counts and unread-only listings.
CREATE INDEX notifications_unread_idx ON notifications (recipient_id, updated_at DESC, id DESC) WHERE read_at IS NULL;

-- Per-user settings: the types a user muted are not created for them at all.
CREATE TABLE notification_settings (
    user_id     uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    muted_types text[]      NOT NULL DEFAULT '{}',
    updated_at  timestamptz NOT NULL DEFAULT now()
);

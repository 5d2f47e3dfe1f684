-- Follows (issue 18): who follows whom, with exact follower/following counts on users, and the indexes of the feed.

ALTER TABLE users
    ADD COLUMN follower_count  integer NOT NULL DEFAULT 0,
    ADD COLUMN following_count integer NOT NULL DEFAULT 0;

-- One row per follow; the primary key makes follow/unfollow idempotent.
CREATE TABLE follows (
    follower_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    followee_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (follower_id, followee_id),
    CONSTRAINT follows_not_self CHECK (follower_id <> followee_id)
);
-- Keyset pages of a user's followers and of whom a user follows, newest first.
CREATE INDEX follows_followee_created_idx ON follows (followee_id, created_at DESC, follower_id DESC);
CREATE INDEX follows_follower_created_idx ON follows (follower_id, created_at DESC, followee_id DESC);

-- The counters follow the rows in the same transaction, whatever adds or removes them (a cascade included).
-- Both users' rows are updated in id order, so two users following each other at the same moment cannot
-- deadlock (A→B and B→A would otherwise lock the two rows in opposite orders).
CREATE FUNCTION dawg_count_follows() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    delta    integer := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
    follower uuid    := CASE WHEN TG_OP = 'INSERT' THEN NEW.follower_id ELSE OLD.follower_id END;
    followee uuid    := CASE WHEN TG_OP = 'INSERT' THEN NEW.followee_id ELSE OLD.followee_id END;
BEGIN
    IF follower < followee THEN
        UPDATE users SET following_count = following_count + delta WHERE id = follower;
        UPDATE users SET follower_count = follower_count + delta WHERE id = followee;
    ELSE
        UPDATE users SET follower_count = follower_count + delta WHERE id = followee;
        UPDATE users SET following_count = following_count + delta WHERE id = follower;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER follows_count AFTER INSERT OR DELETE ON follows
    FOR EACH ROW EXECUTE FUNCTION dawg_count_follows();

-- The feed's "recent" order: public projects by creation (updated_at moves on every save, which would
-- shuffle a keyset page; created_at does not). "popular" has projects_public_popular_idx (V3).
CREATE INDEX projects_public_created_idx ON projects (created_at DESC, id DESC)
    WHERE deleted_at IS NULL AND visibility = 'public';
-- The feed's genre/tag filter over public projects only (smaller than projects_tags_idx, which holds private ones too).
CREATE INDEX projects_public_tags_idx ON projects USING gin (tags)
    WHERE deleted_at IS NULL AND visibility = 'public';
-- A user's public projects on their profile, newest first.
CREATE INDEX projects_owner_public_created_idx ON projects (owner_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL AND visibility = 'public';

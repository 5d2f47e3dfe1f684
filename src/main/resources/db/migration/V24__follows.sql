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

-- Trending: a decayed activity score per project and period, kept up to date by the interactions themselves
-- (likes, comments, plays, remixes), so ranking reads an index instead of scanning interactions.
-- score = ln(sum of weight * exp((t - 2026-01-01) / tau)) over the project's interactions: every score decays by
-- the same factor as time passes, so comparing stored scores ranks by the decayed activity at any moment, and the
-- logarithm keeps the numbers small (it grows by one per tau). tau: 6 hours for a day, 36 hours for a week,
-- 7 days for a month. A project counts in a period only with an interaction inside it.
CREATE TABLE project_trending (
    project_id       uuid             NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    period           text             NOT NULL CHECK (period IN ('day', 'week', 'month')),
    score            double precision NOT NULL,
    last_activity_at timestamptz      NOT NULL,
    PRIMARY KEY (project_id, period)
);
CREATE INDEX project_trending_rank_idx ON project_trending (period, score DESC, project_id DESC);

CREATE FUNCTION dawg_trend(project uuid, weight double precision, at timestamptz) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO project_trending AS t (project_id, period, score, last_activity_at)
    SELECT project, p.period, ln(weight) + extract(epoch FROM at - timestamptz '2026-01-01 00:00:00+00') / p.tau, at
    FROM (VALUES ('day', 21600.0), ('week', 129600.0), ('month', 604800.0)) AS p (period, tau)
    ON CONFLICT (project_id, period) DO UPDATE SET
        -- ln(e^a + e^b) without overflow: the larger plus ln(1 + e^-(difference)); past 700 the smaller adds nothing
        -- (and exp would underflow).
        score = greatest(t.score, EXCLUDED.score) + CASE WHEN abs(t.score - EXCLUDED.score) > 700 THEN 0
                    ELSE ln(1 + exp(-abs(t.score - EXCLUDED.score))) END,
        last_activity_at = greatest(t.last_activity_at, EXCLUDED.last_activity_at)
$$;

CREATE FUNCTION dawg_trend_like() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM dawg_trend(NEW.project_id, 3, now());
    RETURN NULL;
END
$$;
CREATE TRIGGER project_likes_trend AFTER INSERT ON project_likes FOR EACH ROW EXECUTE FUNCTION dawg_trend_like();

CREATE FUNCTION dawg_trend_comment() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM dawg_trend(NEW.project_id, 4, now());
    RETURN NULL;
END
$$;
CREATE TRIGGER comments_trend AFTER INSERT ON comments FOR EACH ROW EXECUTE FUNCTION dawg_trend_comment();

-- Plays and remixes are counters on the project row: what they grew by is the activity.
CREATE FUNCTION dawg_trend_counters() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    weight double precision := greatest(NEW.play_count - OLD.play_count, 0) * 1 + greatest(NEW.remix_count - OLD.remix_count, 0) * 5;
BEGIN
    IF weight > 0 THEN
        PERFORM dawg_trend(NEW.id, weight, now());
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER projects_trend AFTER UPDATE OF play_count, remix_count ON projects
    FOR EACH ROW WHEN (NEW.play_count > OLD.play_count OR NEW.remix_count > OLD.remix_count) EXECUTE FUNCTION dawg_trend_counters();

-- Likes, comments and their counters on projects. Plays are only a counter (deduplicated in Redis).

-- One like per user per project; the primary key makes like/unlike idempotent and like_count exact
-- (the like statements change the row and the counter together).
CREATE TABLE project_likes (
    project_id uuid        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_likes_user_idx ON project_likes (user_id, created_at DESC);

-- Comments, threaded by parent_id. The composite foreign key keeps a reply in its parent's project, and
-- deleting a comment deletes its replies.
CREATE TABLE comments (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id uuid        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    author_id  uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    parent_id  uuid,
    body       text        NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT comments_project_id_key UNIQUE (project_id, id),
    CONSTRAINT comments_parent_fkey FOREIGN KEY (project_id, parent_id) REFERENCES comments (project_id, id) ON DELETE CASCADE
);
-- The oldest-first listing of a project (keyset pagination on (created_at, id)).
CREATE INDEX comments_project_created_idx ON comments (project_id, created_at, id);
CREATE INDEX comments_parent_idx ON comments (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX comments_author_idx ON comments (author_id);

-- comment_count follows the rows in the same transaction, whatever removes them: a deleted comment takes
-- its replies with it through the cascade above, which no statement written by hand could count exactly
-- against a reply being added at the same moment.
CREATE FUNCTION dawg_count_comments() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE projects SET comment_count = comment_count + 1 WHERE id = NEW.project_id;
        RETURN NEW;
    END IF;
    UPDATE projects SET comment_count = comment_count - 1 WHERE id = OLD.project_id;
    RETURN OLD;
END
$$;

CREATE TRIGGER comments_count AFTER INSERT OR DELETE ON comments
    FOR EACH ROW EXECUTE FUNCTION dawg_count_comments();

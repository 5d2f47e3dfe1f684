-- What one account may keep of projects and their history (issue 15, finding 7): a per-user counter of live
-- projects and of history bytes, kept exact by triggers on every path (writes, pruning, deletion, cascades),
-- and the limits checked in the same statement as the write, so a refused write leaves nothing behind.
--
-- History bytes are the stored size of each snapshot's document (pg_column_size: after TOAST compression, lz4
-- since V8), charged to the project's owner whoever wrote the version. The triggers read that size back from the
-- table row (by its key), never from NEW or OLD: a trigger's NEW may still hold the document as it was before
-- TOAST stored it (a few bytes larger, or uncompressed), and the counter must equal what the table holds.
--
-- The limits live in the server's configuration, not here: a write states them for its own transaction with
-- dawg_project_limits(...) (SET LOCAL settings), and the triggers enforce whatever the statement stated. A
-- statement that states none (pruning, deletion, a migration) is never refused.
-- The reference is checked at commit: deleting an account deletes its projects and versions, whose triggers update
-- this row after the account's row is gone (and before the cascade takes this row too).
CREATE TABLE project_usage (
    user_id       uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    live_projects integer NOT NULL DEFAULT 0 CHECK (live_projects >= 0),
    history_bytes bigint  NOT NULL DEFAULT 0 CHECK (history_bytes >= 0)
);

CREATE FUNCTION dawg_project_limits(history_quota bigint, max_labelled integer, max_projects integer) RETURNS boolean
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM set_config('dawg.history_quota', history_quota::text, true),
            set_config('dawg.max_labelled_versions', max_labelled::text, true),
            set_config('dawg.max_projects', max_projects::text, true);
    RETURN true;
END $$;

CREATE FUNCTION dawg_limit(name text) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting(name, true), '')::bigint $$;

-- A new project counts as live; past the owner's limit the statement fails (YQ003) and creates nothing.
CREATE FUNCTION dawg_project_created() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    live integer;
    cap bigint := dawg_limit('dawg.max_projects');
BEGIN
    INSERT INTO project_usage AS u (user_id, live_projects) VALUES (NEW.owner_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET live_projects = u.live_projects + 1
    RETURNING u.live_projects INTO live;
    IF cap IS NOT NULL AND live > cap THEN
        RAISE EXCEPTION 'project limit reached' USING ERRCODE = 'YQ003', DETAIL = cap::text;
    END IF;
    RETURN NULL;
END $$;

-- A project marked deleted is no longer live, and its history goes (nothing can read it any more): its
-- bytes are given back through the version trigger below.
CREATE FUNCTION dawg_project_history_dropped() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE project_usage SET live_projects = greatest(live_projects - 1, 0) WHERE user_id = NEW.owner_id;
    DELETE FROM project_versions WHERE project_id = NEW.id;
    RETURN NULL;
END $$;

-- Before a project row goes (its owner's account is deleted), its versions go while the row can still say whose
-- bytes they were.
CREATE FUNCTION dawg_project_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.deleted_at IS NULL THEN
        UPDATE project_usage SET live_projects = greatest(live_projects - 1, 0) WHERE user_id = OLD.owner_id;
    END IF;
    DELETE FROM project_versions WHERE project_id = OLD.id;
    RETURN OLD;
END $$;

-- A stored snapshot is charged to the owner. Past the quota, the oldest unlabelled older versions of the same
-- project are removed, as few as make room; if even all of them are not enough the statement fails (YQ001) and
-- nothing of it (the write, the pruning) is kept. Versions another transaction is removing right now are
-- skipped rather than waited for, so this never waits on a row lock while holding the counter's.
CREATE FUNCTION dawg_version_stored() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner uuid;
    stored bigint;
    quota bigint := dawg_limit('dawg.history_quota');
    used bigint;
    before bigint;
    candidate record;
BEGIN
    SELECT pg_column_size(project_data) INTO stored FROM project_versions WHERE project_id = NEW.project_id AND version = NEW.version;
    SELECT owner_id INTO owner FROM projects WHERE id = NEW.project_id;
    INSERT INTO project_usage AS u (user_id, history_bytes) VALUES (owner, stored)
    ON CONFLICT (user_id) DO UPDATE SET history_bytes = u.history_bytes + excluded.history_bytes
    RETURNING u.history_bytes INTO used;
    IF quota IS NULL OR used <= quota THEN
        RETURN NULL;
    END IF;
    before := used - stored;
    FOR candidate IN SELECT version, pg_column_size(project_data) AS bytes FROM project_versions
            WHERE project_id = NEW.project_id AND label IS NULL AND version < NEW.version
            ORDER BY version FOR UPDATE SKIP LOCKED LOOP
        EXIT WHEN used <= quota;
        DELETE FROM project_versions WHERE project_id = NEW.project_id AND version = candidate.version;
        used := used - candidate.bytes;
    END LOOP;
    SELECT history_bytes INTO used FROM project_usage WHERE user_id = owner;
    IF used > quota THEN
        RAISE EXCEPTION 'history quota exceeded'
            USING ERRCODE = 'YQ001', DETAIL = stored || ' ' || before || ' ' || used || ' ' || quota;
    END IF;
    RETURN NULL;
END $$;

-- Before the row goes, while its stored size can still be read back.
CREATE FUNCTION dawg_version_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE project_usage SET history_bytes = greatest(history_bytes - (SELECT pg_column_size(project_data) FROM project_versions
            WHERE project_id = OLD.project_id AND version = OLD.version), 0)
    WHERE user_id = (SELECT owner_id FROM projects WHERE id = OLD.project_id);
    RETURN OLD;
END $$;

-- One more labelled version of a project, past the limit, fails the statement (YQ002). The project's row is
-- locked first, so two labels racing on one project are counted one after the other.
CREATE FUNCTION dawg_version_labelled() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cap bigint := dawg_limit('dawg.max_labelled_versions');
    labelled bigint;
BEGIN
    IF cap IS NULL OR (TG_OP = 'UPDATE' AND OLD.label IS NOT NULL) THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM projects WHERE id = NEW.project_id FOR NO KEY UPDATE;
    SELECT count(*) INTO labelled FROM project_versions WHERE project_id = NEW.project_id AND label IS NOT NULL;
    IF labelled > cap THEN
        RAISE EXCEPTION 'labelled version limit reached' USING ERRCODE = 'YQ002', DETAIL = cap::text;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER projects_created AFTER INSERT ON projects FOR EACH ROW EXECUTE FUNCTION dawg_project_created();
CREATE TRIGGER projects_history_dropped AFTER UPDATE OF deleted_at ON projects
    FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL) EXECUTE FUNCTION dawg_project_history_dropped();
CREATE TRIGGER projects_removed BEFORE DELETE ON projects FOR EACH ROW EXECUTE FUNCTION dawg_project_removed();
CREATE TRIGGER project_versions_stored AFTER INSERT ON project_versions FOR EACH ROW EXECUTE FUNCTION dawg_version_stored();
CREATE TRIGGER project_versions_removed BEFORE DELETE ON project_versions FOR EACH ROW EXECUTE FUNCTION dawg_version_removed();
CREATE TRIGGER project_versions_labelled AFTER INSERT OR UPDATE OF label ON project_versions
    FOR EACH ROW WHEN (NEW.label IS NOT NULL) EXECUTE FUNCTION dawg_version_labelled();

-- Projects deleted before this migration give their history back now; then the counters start from what is stored.
DELETE FROM project_versions WHERE project_id IN (SELECT id FROM projects WHERE deleted_at IS NOT NULL);
INSERT INTO project_usage (user_id, live_projects, history_bytes)
SELECT p.owner_id, count(*) FILTER (WHERE p.deleted_at IS NULL), coalesce(sum(h.bytes), 0)
FROM projects p
LEFT JOIN (SELECT project_id, sum(pg_column_size(project_data)) AS bytes FROM project_versions GROUP BY project_id) h
    ON h.project_id = p.id
GROUP BY p.owner_id
ON CONFLICT (user_id) DO UPDATE SET live_projects = excluded.live_projects, history_bytes = excluded.history_bytes;

-- Autosave as a delta (issue 20, item 4). A version written by a PATCH may be stored as the patch of its document
-- against the version before it (delta, delta_kind) instead of the whole document (project_data): a small row rather
-- than a ~50 KB one. A version's document is rebuilt from the newest snapshot at or before it (a row with
-- project_data) and every delta after that snapshot up to it, applied in version order by the server, which checks
-- the rebuilt text against the size and CRC-32C of the document that version had (document_crc32c).
--
-- Invariants every writer and pruner keeps:
-- - a delta is written only right after the version it patches (version - 1 is stored and rebuildable), never for a
--   labelled version, and a chain (a snapshot and its deltas) holds at most a bounded number of versions and of delta
--   bytes (the server states both with each write), so a rebuild is cheap;
-- - a kept delta keeps every version between its snapshot and itself: the pruner and the quota trigger below never
--   delete a version that a remaining delta is rebuilt from.
--
-- History bytes (V15) now count what a version stores: its document's stored size, or its delta's.
ALTER TABLE project_versions
    ALTER COLUMN project_data DROP NOT NULL,
    ADD COLUMN delta json,
    ADD COLUMN delta_kind text CHECK (delta_kind IN ('json-patch', 'merge-patch', 'unchanged')),
    ADD COLUMN document_crc32c integer,
    ADD CONSTRAINT project_versions_snapshot_or_delta CHECK (
        (project_data IS NOT NULL AND delta_kind IS NULL AND delta IS NULL)
        OR (project_data IS NULL AND delta_kind = 'unchanged' AND delta IS NULL)
        OR (project_data IS NULL AND delta_kind IN ('json-patch', 'merge-patch') AND delta IS NOT NULL AND document_crc32c IS NOT NULL));

-- The newest snapshot at or before a version, found by every write and every rebuild.
CREATE INDEX project_versions_snapshots_idx ON project_versions (project_id, version) WHERE project_data IS NOT NULL;

CREATE OR REPLACE FUNCTION dawg_version_stored() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner uuid;
    stored bigint;
    quota bigint := dawg_limit('dawg.history_quota');
    used bigint;
    before bigint;
    chain record;
    candidate record;
BEGIN
    SELECT coalesce(pg_column_size(project_data), 0) + coalesce(pg_column_size(delta), 0) INTO stored
    FROM project_versions WHERE project_id = NEW.project_id AND version = NEW.version;
    SELECT owner_id INTO owner FROM projects WHERE id = NEW.project_id;
    INSERT INTO project_usage AS u (user_id, history_bytes) VALUES (owner, stored)
    ON CONFLICT (user_id) DO UPDATE SET history_bytes = u.history_bytes + excluded.history_bytes
    RETURNING u.history_bytes INTO used;
    IF quota IS NULL OR used <= quota THEN
        RETURN NULL;
    END IF;
    before := used - stored;
    -- Room is made chain by chain, oldest first, each chain from its newest version back, so that what stays of a
    -- chain is still a snapshot followed by all its deltas. The chain the new version belongs to (when it is a delta)
    -- is not touched, nor the versions up to a chain's newest labelled delta, which is rebuilt from them.
    FOR chain IN SELECT s.version AS first, (SELECT min(n.version) FROM project_versions n WHERE n.project_id = s.project_id
                AND n.project_data IS NOT NULL AND n.version > s.version) AS next
            FROM project_versions s WHERE s.project_id = NEW.project_id AND s.project_data IS NOT NULL AND s.version < NEW.version
            ORDER BY s.version LOOP
        EXIT WHEN used <= quota;
        CONTINUE WHEN chain.next IS NULL;
        FOR candidate IN SELECT v.version, coalesce(pg_column_size(v.project_data), 0) + coalesce(pg_column_size(v.delta), 0) AS bytes
                FROM project_versions v
                WHERE v.project_id = NEW.project_id AND v.version >= chain.first AND v.version < chain.next AND v.label IS NULL
                  AND v.version > coalesce((SELECT max(l.version) FROM project_versions l WHERE l.project_id = NEW.project_id
                        AND l.version > chain.first AND l.version < chain.next AND l.label IS NOT NULL), 0)
                ORDER BY v.version DESC FOR UPDATE SKIP LOCKED LOOP
            EXIT WHEN used <= quota;
            DELETE FROM project_versions WHERE project_id = NEW.project_id AND version = candidate.version;
            used := used - candidate.bytes;
        END LOOP;
    END LOOP;
    SELECT history_bytes INTO used FROM project_usage WHERE user_id = owner;
    IF used > quota THEN
        RAISE EXCEPTION 'history quota exceeded'
            USING ERRCODE = 'YQ001', DETAIL = stored || ' ' || before || ' ' || used || ' ' || quota;
    END IF;
    RETURN NULL;
END $$;

-- Before the row goes, while its stored size can still be read back.
CREATE OR REPLACE FUNCTION dawg_version_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE project_usage SET history_bytes = greatest(history_bytes - (SELECT coalesce(pg_column_size(project_data), 0)
            + coalesce(pg_column_size(delta), 0) FROM project_versions WHERE project_id = OLD.project_id AND version = OLD.version), 0)
    WHERE user_id = (SELECT owner_id FROM projects WHERE id = OLD.project_id);
    RETURN OLD;
END $$;

-- Autosave as a delta, the head too (issue 20, item 4). Since V30 a PATCH stores its version in history as a small
-- delta row, but it still rewrote the whole document (~50 KB) in the project's own row, which capped autosaves at
-- the rate PostgreSQL rewrites 50 KB rows. Now the project's row keeps the document of its newest snapshot and says
-- which version that is: project_data is the document of version data_version, and the head's document is rebuilt
-- from it and the deltas of versions data_version + 1 .. version in project_versions (as any version of history is,
-- V30). Null data_version (every row before this migration, and every write stored as a snapshot): project_data is
-- the document of the current version.
--
-- Why the deltas a head is rebuilt from are always there: they are the newest chain of its history (a snapshot and
-- the deltas after it), which neither the pruner (it keeps every version a retained delta is rebuilt from) nor the
-- quota trigger (it never touches the chain the new version belongs to, nor the newest chain) deletes; and a write
-- stores its version as a delta only when the project's row holds that chain's snapshot (data_version, or version
-- when null, is the chain's first version). A soft-deleted project's history goes (V15), and its document with it:
-- nothing reads a deleted project.
ALTER TABLE projects ADD COLUMN data_version integer;

-- A write that expects its version to be stored as a delta does not send the document (~50 KB the database would
-- receive and, folding the check of an unused branch at planning, parse) but its delta, checked as every document is
-- (dawg_document: what jsonb refuses, the write refuses; every value the delta brings into the document is in it).
-- When the statement finds it must store a snapshot after all (the chain is full, a label), it fails with YD001
-- and nothing of it is kept; the server sends it again with the document. Volatile, so never evaluated at planning.
CREATE FUNCTION dawg_document_needed() RETURNS json LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RAISE EXCEPTION 'this version is stored as a snapshot: its document is needed' USING ERRCODE = 'YD001';
END $$;

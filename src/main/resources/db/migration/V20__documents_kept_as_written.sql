-- Project documents are kept as written (API.md, "Documents are returned as written"): projects.project_data and
-- project_versions.project_data become json, which stores the client's text as it is (member order, number
-- spelling such as 1e3, whitespace, escapes, repeated member names) and still refuses text that is not JSON. jsonb
-- stored a normalised form, so a document read back from the database (another node, a cold cache, any version in
-- history) was not the one written.
--
-- Rows written before this migration keep the text they have, which is jsonb's normalised form of what was sent
-- (the original text is gone); only documents written from now on come back byte for byte.
--
-- Changing the type rewrites both tables. The lz4 compression of V8 is restated in the same statement so that the
-- rewritten values are lz4 too (a change of type resets a column's compression); a PostgreSQL built without lz4
-- keeps pglz. The V15 history triggers read pg_column_size(project_data), which works the same on json; only the
-- sizes change (json text rather than jsonb's binary form), so the owners' history bytes are counted again below.

-- What every write stores: the text as json, if jsonb would also have taken it. json alone accepts \u0000, unpaired
-- surrogate escapes (\ud800) and numbers beyond numeric's range (1e999999999), which the API has always refused
-- with a 400 (from these same errors: 22P05, 22P02, 22003) and which nothing reading a document as jsonb could read.
CREATE FUNCTION dawg_document(document text) RETURNS json
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    PERFORM document::jsonb;
    RETURN document::json;
END $$;

DO $$
BEGIN
    ALTER TABLE projects
        DROP CONSTRAINT projects_project_data_check,
        ALTER COLUMN project_data DROP DEFAULT,
        ALTER COLUMN project_data TYPE json USING project_data::json,
        ALTER COLUMN project_data SET COMPRESSION lz4,
        ALTER COLUMN project_data SET DEFAULT '{}'::json,
        ADD CONSTRAINT projects_project_data_check CHECK (json_typeof(project_data) = 'object');
    ALTER TABLE project_versions
        ALTER COLUMN project_data TYPE json USING project_data::json,
        ALTER COLUMN project_data SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available in this PostgreSQL; project documents stay pglz-compressed';
    ALTER TABLE projects
        DROP CONSTRAINT projects_project_data_check,
        ALTER COLUMN project_data DROP DEFAULT,
        ALTER COLUMN project_data TYPE json USING project_data::json,
        ALTER COLUMN project_data SET DEFAULT '{}'::json,
        ADD CONSTRAINT projects_project_data_check CHECK (json_typeof(project_data) = 'object');
    ALTER TABLE project_versions ALTER COLUMN project_data TYPE json USING project_data::json;
END
$$;

-- The history bytes of every owner, from what is stored now (as V15 first counted them).
UPDATE project_usage u SET history_bytes = coalesce((SELECT sum(pg_column_size(v.project_data))
        FROM project_versions v JOIN projects p ON p.id = v.project_id WHERE p.owner_id = u.user_id), 0);

-- A prune deletes a project's old versions ten or more at a time; each deleted row used to run its own UPDATE of the
-- owner's history bytes (V15, V30), one more row lock and statement per version. The bytes of the versions a
-- statement deletes are now taken off once, per owner, when the statement ends (its transition table holds the
-- deleted rows; pg_column_size reads the stored size from them as from the table). Every DELETE of project_versions
-- is covered as before: the pruner's, the quota trigger's (one version per statement, so its count is current when
-- it reads it back), a soft-deleted project's history (V15) and a removed project's (V15, BEFORE DELETE on projects:
-- its row can still say whose bytes they were when the inner statement ends).
DROP TRIGGER project_versions_removed ON project_versions;
DROP FUNCTION dawg_version_removed();

CREATE FUNCTION dawg_versions_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE project_usage u SET history_bytes = greatest(u.history_bytes - removed_bytes.bytes, 0)
    FROM (SELECT p.owner_id, sum(coalesce(pg_column_size(r.project_data), 0) + coalesce(pg_column_size(r.delta), 0)) AS bytes
          FROM removed r JOIN projects p ON p.id = r.project_id GROUP BY p.owner_id) removed_bytes
    WHERE u.user_id = removed_bytes.owner_id;
    RETURN NULL;
END $$;

CREATE TRIGGER project_versions_removed AFTER DELETE ON project_versions
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION dawg_versions_removed();

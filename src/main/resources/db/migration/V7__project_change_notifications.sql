-- Every change to a project's row (a write, a visibility change, a deletion, a counter moving) tells the API
-- nodes at commit, so that each can drop its in-memory copy of the project's head (ProjectHeads). NOTIFY is
-- transactional: a rolled-back change says nothing, and a committed one is announced after it is visible.
CREATE FUNCTION dawg_project_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('dawg_project_changed', OLD.id::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER projects_changed AFTER UPDATE OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION dawg_project_changed();

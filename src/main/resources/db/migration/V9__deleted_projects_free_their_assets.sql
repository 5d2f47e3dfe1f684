-- Deleting a project is a soft delete (the row stays, marked), which the cascades of V5 never see: without this
-- its audio would keep its owner's quota and its objects forever. Marking a project deleted removes its assets
-- and its uploads in flight in the same statement, so the V5 triggers give the space back and queue the objects
-- for removal from the store.
CREATE FUNCTION dawg_project_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM asset_uploads WHERE project_id = NEW.id;
    DELETE FROM assets WHERE project_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER projects_deleted AFTER UPDATE OF deleted_at ON projects
    FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL) EXECUTE FUNCTION dawg_project_deleted();

-- Projects deleted before this migration give their space back now.
DELETE FROM asset_uploads WHERE project_id IN (SELECT id FROM projects WHERE deleted_at IS NOT NULL);
DELETE FROM assets WHERE project_id IN (SELECT id FROM projects WHERE deleted_at IS NOT NULL);

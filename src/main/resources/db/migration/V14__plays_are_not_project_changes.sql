-- A play moves projects.play_count and nothing else: it is no change the API nodes must hear. Announced, each
-- play dropped the project's cached head on every node (ProjectHeads), so anyone could keep a popular project's
-- head out of every cache by playing it. Now an update that moves play_count is not announced; the node that
-- counted it updates its own copy, and the others' copies catch up within DAWG_PROJECT_HEAD_TTL.
-- (Plays.count's UPDATE is the only statement that moves play_count, and it moves nothing else.)
DROP TRIGGER projects_changed ON projects;

CREATE TRIGGER projects_changed AFTER UPDATE ON projects
    FOR EACH ROW WHEN (OLD.play_count IS NOT DISTINCT FROM NEW.play_count) EXECUTE FUNCTION dawg_project_changed();

CREATE TRIGGER projects_changed_by_delete AFTER DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION dawg_project_changed();

\set n random(1, 16)
WITH updated AS (UPDATE projects SET title = title, project_data = (SELECT doc FROM bench_doc)::json, version = version + 1, updated_at = now() WHERE id = (SELECT id FROM bench_ids WHERE n = :n) AND deleted_at IS NULL AND dawg_project_limits(1073741824, 100, 1000) RETURNING *) SELECT id, version FROM updated;

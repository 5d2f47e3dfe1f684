\set n random(1, 16)
UPDATE projects SET updated_at = now(), version = version + 1 WHERE id = (SELECT id FROM bench_ids WHERE n = :n);

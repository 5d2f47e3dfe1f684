-- A project's top-level comments (those answering no other), newest first: the threads a client pages through,
-- and their count, without walking the replies.
CREATE INDEX comments_project_top_level_idx ON comments (project_id, created_at DESC, id DESC) WHERE parent_id IS NULL;

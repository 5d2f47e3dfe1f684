-- Projects: metadata columns plus the DAW's whole state as JSONB, a version for optimistic locking, and
-- a generated full-text vector for search. Every write also stores a snapshot in project_versions.
CREATE FUNCTION dawg_tags_text(tags text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT coalesce(array_to_string(tags, ' '), '') $$;

CREATE TABLE projects (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title          text        NOT NULL,
    description    text        NOT NULL DEFAULT '',
    tags           text[]      NOT NULL DEFAULT '{}',
    bpm            integer CHECK (bpm BETWEEN 20 AND 999),
    key_signature  text,
    time_signature text,
    visibility     text        NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'unlisted', 'public')),
    version        integer     NOT NULL DEFAULT 1,
    project_data   jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(project_data) = 'object'),
    remixed_from   uuid REFERENCES projects (id) ON DELETE SET NULL,
    like_count     integer     NOT NULL DEFAULT 0,
    comment_count  integer     NOT NULL DEFAULT 0,
    play_count     bigint      NOT NULL DEFAULT 0,
    remix_count    integer     NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    deleted_at     timestamptz,
    search         tsvector GENERATED ALWAYS AS (
                       setweight(to_tsvector('english', title), 'A') ||
                       setweight(to_tsvector('english', dawg_tags_text(tags)), 'B') ||
                       setweight(to_tsvector('english', description), 'C')) STORED
);

-- The owner's list, newest change first (keyset pagination on (updated_at, id)).
CREATE INDEX projects_owner_updated_idx ON projects (owner_id, updated_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX projects_owner_created_idx ON projects (owner_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
-- Public search and browsing.
CREATE INDEX projects_search_idx ON projects USING gin (search) WHERE deleted_at IS NULL;
CREATE INDEX projects_tags_idx ON projects USING gin (tags) WHERE deleted_at IS NULL;
CREATE INDEX projects_public_recent_idx ON projects (updated_at DESC, id DESC) WHERE deleted_at IS NULL AND visibility = 'public';
CREATE INDEX projects_public_popular_idx ON projects (like_count DESC, id DESC) WHERE deleted_at IS NULL AND visibility = 'public';
CREATE INDEX projects_remixed_from_idx ON projects (remixed_from) WHERE remixed_from IS NOT NULL;

CREATE TABLE project_versions (
    project_id     uuid        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    version        integer     NOT NULL,
    title          text        NOT NULL,
    description    text        NOT NULL,
    tags           text[]      NOT NULL,
    bpm            integer,
    key_signature  text,
    time_signature text,
    project_data   jsonb       NOT NULL,
    author_id      uuid REFERENCES users (id) ON DELETE SET NULL,
    size_bytes     integer     NOT NULL,
    label          text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, version)
);
CREATE INDEX project_versions_labelled_idx ON project_versions (project_id, version) WHERE label IS NOT NULL;
CREATE INDEX projects_owner_title_idx ON projects (owner_id, title, id) WHERE deleted_at IS NULL;

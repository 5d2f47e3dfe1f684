-- Audio assets. A row exists only for audio that is stored and checked; uploads in progress live in
-- asset_uploads until they become an asset or are discarded. Triggers keep the per-user storage counters and
-- the queue of objects to remove from the store right on every path, cascades included.

-- Stored audio: a user's (in a project) or the built-in sample library's (no project, no owner, a category).
CREATE TABLE assets (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id       uuid REFERENCES projects (id) ON DELETE CASCADE,
    owner_id         uuid REFERENCES users (id) ON DELETE CASCADE,
    category         text CHECK (category ~ '^[a-z0-9-]{1,32}$'),
    -- Built-in samples are seeded under a stable name, so seeding is idempotent across restarts and nodes.
    library_key      text UNIQUE,
    filename         text             NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    format           text             NOT NULL CHECK (format IN ('wav', 'aiff', 'flac', 'mp3', 'ogg')),
    content_type     text             NOT NULL,
    size_bytes       bigint           NOT NULL CHECK (size_bytes > 0),
    sha256           text             NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    duration_seconds double precision NOT NULL CHECK (duration_seconds >= 0),
    sample_rate      integer          NOT NULL CHECK (sample_rate > 0),
    channels         integer          NOT NULL CHECK (channels > 0),
    bit_depth        integer CHECK (bit_depth > 0),
    object_key       text             NOT NULL UNIQUE,
    status           text             NOT NULL DEFAULT 'ready' CHECK (status IN ('pending', 'ready', 'failed')),
    created_at       timestamptz      NOT NULL DEFAULT now(),
    CHECK ((project_id IS NULL) = (owner_id IS NULL)),
    CHECK (project_id IS NOT NULL OR category IS NOT NULL)
);
-- A project's assets, newest first (keyset pagination on (created_at, id)).
CREATE INDEX assets_project_idx ON assets (project_id, created_at DESC, id DESC) WHERE project_id IS NOT NULL;
CREATE INDEX assets_owner_idx ON assets (owner_id, created_at DESC, id DESC) WHERE owner_id IS NOT NULL;
CREATE INDEX assets_library_idx ON assets (category, filename, id) WHERE project_id IS NULL;

-- Uploads not yet checked: presigned ones waiting for their PUT and completion, and streamed ones in flight.
-- Each holds its reservation of the owner's quota until it becomes an asset or is discarded.
CREATE TABLE asset_uploads (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind           text        NOT NULL CHECK (kind IN ('presigned', 'streamed')),
    owner_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Null for an administrator's upload to the sample library (which counts against no quota).
    project_id     uuid REFERENCES projects (id) ON DELETE CASCADE,
    filename       text        NOT NULL,
    declared_type  text,
    declared_size  bigint CHECK (declared_size > 0),
    reserved_bytes bigint      NOT NULL DEFAULT 0 CHECK (reserved_bytes >= 0),
    object_key     text        NOT NULL UNIQUE,
    -- The store's multipart upload id of a streamed upload, so an abandoned one can be aborted.
    s3_upload_id   text,
    state          text        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'completing')),
    claimed_at     timestamptz,
    expires_at     timestamptz NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX asset_uploads_expiry_idx ON asset_uploads (expires_at);

-- Bytes each user has stored (used) and holds for uploads in flight (reserved); the quota bounds their sum.
CREATE TABLE storage_usage (
    user_id        uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    used_bytes     bigint NOT NULL DEFAULT 0 CHECK (used_bytes >= 0),
    reserved_bytes bigint NOT NULL DEFAULT 0 CHECK (reserved_bytes >= 0)
);

-- Built-in samples seeded so far: one an administrator deleted is not seeded again, and nodes starting
-- together seed each exactly once.
CREATE TABLE library_seeds (
    library_key text PRIMARY KEY,
    seeded_at   timestamptz NOT NULL DEFAULT now()
);

-- Objects whose row is gone, to remove from the store (at once by the request, else by the periodic sweep).
CREATE TABLE orphaned_objects (
    object_key   text PRIMARY KEY,
    s3_upload_id text,
    queued_at    timestamptz NOT NULL DEFAULT now(),
    attempted_at timestamptz
);

CREATE FUNCTION dawg_asset_stored() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.owner_id IS NOT NULL THEN
        INSERT INTO storage_usage AS u (user_id, used_bytes) VALUES (NEW.owner_id, NEW.size_bytes)
        ON CONFLICT (user_id) DO UPDATE SET used_bytes = u.used_bytes + excluded.used_bytes;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION dawg_asset_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.owner_id IS NOT NULL THEN
        UPDATE storage_usage SET used_bytes = greatest(used_bytes - OLD.size_bytes, 0) WHERE user_id = OLD.owner_id;
    END IF;
    INSERT INTO orphaned_objects (object_key) VALUES (OLD.object_key) ON CONFLICT (object_key) DO NOTHING;
    RETURN NULL;
END $$;

-- An upload row that goes away gives its reservation back; its object is queued for removal unless the
-- same statement made it an asset.
CREATE FUNCTION dawg_upload_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE storage_usage SET reserved_bytes = greatest(reserved_bytes - OLD.reserved_bytes, 0) WHERE user_id = OLD.owner_id;
    IF NOT EXISTS (SELECT 1 FROM assets WHERE object_key = OLD.object_key) THEN
        INSERT INTO orphaned_objects (object_key, s3_upload_id) VALUES (OLD.object_key, OLD.s3_upload_id)
        ON CONFLICT (object_key) DO UPDATE SET s3_upload_id = coalesce(excluded.s3_upload_id, orphaned_objects.s3_upload_id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER assets_stored AFTER INSERT ON assets FOR EACH ROW EXECUTE FUNCTION dawg_asset_stored();
CREATE TRIGGER assets_removed AFTER DELETE ON assets FOR EACH ROW EXECUTE FUNCTION dawg_asset_removed();
CREATE TRIGGER asset_uploads_removed AFTER DELETE ON asset_uploads FOR EACH ROW EXECUTE FUNCTION dawg_upload_removed();

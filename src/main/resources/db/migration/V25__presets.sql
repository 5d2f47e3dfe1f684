-- The community preset library (issue 18): instrument and effect presets users share, download once each and rate.
--
-- A preset's data is kept as written, like project documents (V20): json, stored through dawg_document, which refuses
-- what jsonb refuses. download_count, rating_count and rating_sum follow their rows in the same transaction (the
-- triggers below), so they equal the rows under any concurrency; rating_average is derived from them.
CREATE TABLE presets (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    preset_type    text        NOT NULL CHECK (preset_type IN ('instrument', 'effect')),
    engine         text        NOT NULL CHECK (char_length(engine) BETWEEN 1 AND 64),
    category       text        NOT NULL CHECK (char_length(category) BETWEEN 1 AND 50),
    genre          text        CHECK (char_length(genre) BETWEEN 1 AND 50),
    tags           text[]      NOT NULL DEFAULT '{}',
    description    text        NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
    is_public      boolean     NOT NULL DEFAULT false,
    -- When an administrator featured it; null when not featured. Only a public preset is featured.
    featured_at    timestamptz CHECK (featured_at IS NULL OR is_public),
    data           json        NOT NULL CHECK (json_typeof(data) = 'object'),
    size_bytes     integer     NOT NULL CHECK (size_bytes >= 2),
    download_count bigint      NOT NULL DEFAULT 0 CHECK (download_count >= 0),
    rating_count   bigint      NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
    rating_sum     bigint      NOT NULL DEFAULT 0 CHECK (rating_sum >= 0),
    rating_average double precision GENERATED ALWAYS AS (
                       CASE WHEN rating_count = 0 THEN 0 ELSE rating_sum::double precision / rating_count END) STORED,
    -- What "popular" orders by: how many people took it or rated it.
    popularity     bigint GENERATED ALWAYS AS (download_count + rating_count) STORED,
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    search         tsvector GENERATED ALWAYS AS (
                       setweight(to_tsvector('english', name), 'A') ||
                       setweight(to_tsvector('english', dawg_tags_text(tags)), 'B') ||
                       setweight(to_tsvector('english', category || ' ' || engine || ' ' || coalesce(genre, '')), 'B') ||
                       setweight(to_tsvector('english', description), 'C')) STORED
);

-- The public library in each order it is listed in (keyset pages end with the id), and its filters.
CREATE INDEX presets_public_recent_idx ON presets (created_at DESC, id DESC) WHERE is_public;
CREATE INDEX presets_public_popular_idx ON presets (popularity DESC, id DESC) WHERE is_public;
CREATE INDEX presets_public_rating_idx ON presets (rating_average DESC, rating_count DESC, id DESC) WHERE is_public;
CREATE INDEX presets_public_downloads_idx ON presets (download_count DESC, id DESC) WHERE is_public;
CREATE INDEX presets_featured_idx ON presets (featured_at DESC, id DESC) WHERE featured_at IS NOT NULL;
CREATE INDEX presets_public_engine_idx ON presets (preset_type, lower(engine), created_at DESC) WHERE is_public;
CREATE INDEX presets_public_tags_idx ON presets USING gin (tags) WHERE is_public;
CREATE INDEX presets_search_idx ON presets USING gin (search) WHERE is_public;
-- An owner's own presets, and the per-owner limit.
CREATE INDEX presets_owner_idx ON presets (owner_id, created_at DESC, id DESC);

-- One counted download per user per preset: the primary key makes a second one count nothing.
CREATE TABLE preset_downloads (
    preset_id  uuid        NOT NULL REFERENCES presets (id) ON DELETE CASCADE,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (preset_id, user_id)
);
CREATE INDEX preset_downloads_user_idx ON preset_downloads (user_id, created_at DESC);

-- One rating per user per preset, changeable.
CREATE TABLE preset_ratings (
    preset_id  uuid        NOT NULL REFERENCES presets (id) ON DELETE CASCADE,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    rating     smallint    NOT NULL CHECK (rating BETWEEN 1 AND 5),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (preset_id, user_id)
);
CREATE INDEX preset_ratings_user_idx ON preset_ratings (user_id);

-- The counters move with their rows in the same transaction, whatever changes them (a rating changed by ON CONFLICT
-- DO UPDATE arrives as an UPDATE with the rating it replaces as OLD). The preset row's lock orders the updates.
CREATE FUNCTION dawg_count_preset_downloads() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE presets SET download_count = download_count + 1 WHERE id = NEW.preset_id;
        RETURN NEW;
    END IF;
    UPDATE presets SET download_count = download_count - 1 WHERE id = OLD.preset_id;
    RETURN OLD;
END
$$;

CREATE TRIGGER preset_downloads_count AFTER INSERT OR DELETE ON preset_downloads
    FOR EACH ROW EXECUTE FUNCTION dawg_count_preset_downloads();

CREATE FUNCTION dawg_count_preset_ratings() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE presets SET rating_count = rating_count + 1, rating_sum = rating_sum + NEW.rating WHERE id = NEW.preset_id;
        RETURN NEW;
    ELSIF TG_OP = 'UPDATE' THEN
        IF NEW.rating <> OLD.rating THEN
            UPDATE presets SET rating_sum = rating_sum + NEW.rating - OLD.rating WHERE id = NEW.preset_id;
        END IF;
        RETURN NEW;
    END IF;
    UPDATE presets SET rating_count = rating_count - 1, rating_sum = rating_sum - OLD.rating WHERE id = OLD.preset_id;
    RETURN OLD;
END
$$;

CREATE TRIGGER preset_ratings_count AFTER INSERT OR UPDATE OR DELETE ON preset_ratings
    FOR EACH ROW EXECUTE FUNCTION dawg_count_preset_ratings();

-- The built-in sample library grows categories, packs, per-sample metadata and usage counts (issue 17).
-- A library asset (assets.project_id IS NULL) keeps its audio facts in assets; what an administrator says of it
-- lives in system_samples, one row at most per asset (a seeded sample has none until it is edited: reads use
-- defaults). Categories are named by their slug, which assets.category refers to.

CREATE TABLE system_categories (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]{1,32}$'),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description text CHECK (length(description) <= 2000),
    sort_order  integer     NOT NULL DEFAULT 0 CHECK (sort_order BETWEEN -10000 AND 10000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The built-in sounds' categories and a few common ones, then whatever administrators already used.
INSERT INTO system_categories (slug, name, sort_order) VALUES
    ('kick', 'Kicks', 10), ('snare', 'Snares', 20), ('hat', 'Hi-hats', 30), ('clap', 'Claps', 40), ('perc', 'Percussion', 50),
    ('bass', 'Bass', 60), ('pad', 'Pads', 70), ('fx', 'FX', 80), ('loop', 'Loops', 90), ('vocal', 'Vocals', 100);
INSERT INTO system_categories (slug, name, sort_order)
SELECT DISTINCT category, category, 1000 FROM assets WHERE project_id IS NULL AND category IS NOT NULL
ON CONFLICT (slug) DO NOTHING;

-- A library asset's category must exist; renaming a category's slug carries its samples along, and a category
-- with samples cannot be deleted.
ALTER TABLE assets ADD CONSTRAINT assets_library_category_fk FOREIGN KEY (category)
    REFERENCES system_categories (slug) ON UPDATE CASCADE ON DELETE RESTRICT;

CREATE TABLE system_packs (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]{1,64}$'),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description text CHECK (length(description) <= 2000),
    category_id uuid REFERENCES system_categories (id) ON DELETE SET NULL,
    tags        text[]      NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
    is_active   boolean     NOT NULL DEFAULT true,
    is_featured boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX system_packs_order_idx ON system_packs (lower(name), id);

CREATE TABLE system_samples (
    asset_id      uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description   text CHECK (length(description) <= 2000),
    bpm           integer CHECK (bpm BETWEEN 20 AND 400),
    key_signature text CHECK (key_signature ~ '^[A-G][#b]?(m|maj|min)?$'),
    tags          text[]      NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
    pack_id       uuid REFERENCES system_packs (id) ON DELETE SET NULL,
    is_premium    boolean     NOT NULL DEFAULT false,
    is_featured   boolean     NOT NULL DEFAULT false,
    is_active     boolean     NOT NULL DEFAULT true,
    usage_count   bigint      NOT NULL DEFAULT 0 CHECK (usage_count >= 0),
    last_used_at  timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX system_samples_pack_idx ON system_samples (pack_id) WHERE pack_id IS NOT NULL;

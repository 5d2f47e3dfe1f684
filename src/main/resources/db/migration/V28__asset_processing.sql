-- Audio processing (issue 19): each asset's processing state, its loudness once measured, and the keys of the
-- outputs (waveform peaks, preview) stored next to it. Outputs count in no quota; they go with the asset.

ALTER TABLE assets
    ADD COLUMN processing_status      text NOT NULL DEFAULT 'pending'
        CHECK (processing_status IN ('pending', 'running', 'done', 'failed')),
    ADD COLUMN processing_error       text CHECK (length(processing_error) <= 1000),
    -- Attempts so far (a node that died mid-job counts one): dead-lettered past the limit.
    ADD COLUMN processing_attempts    integer NOT NULL DEFAULT 0,
    -- The job (stream entry) running it and until when, so a second delivery of the same job waits its turn.
    ADD COLUMN processing_job         text,
    ADD COLUMN processing_lease_until timestamptz,
    -- Written before the first output is stored, so a deleted asset's outputs are always queued for removal.
    ADD COLUMN processing_outputs     text[] NOT NULL DEFAULT '{}',
    ADD COLUMN processed_at           timestamptz,
    ADD COLUMN loudness_lufs          double precision,
    ADD COLUMN loudness_range_lu      double precision,
    ADD COLUMN true_peak_dbtp         double precision,
    ADD COLUMN decoded_duration_seconds double precision;

-- The backfill's scan: assets whose processing is not done.
CREATE INDEX assets_unprocessed_idx ON assets (id) WHERE processing_status IN ('pending', 'running');

-- A deleted asset's outputs join the orphan queue with its own object (see dawg_asset_removed, V5).
CREATE FUNCTION dawg_asset_outputs_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO orphaned_objects (object_key) SELECT unnest(OLD.processing_outputs) ON CONFLICT (object_key) DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER assets_outputs_removed AFTER DELETE ON assets FOR EACH ROW
    WHEN (cardinality(OLD.processing_outputs) > 0) EXECUTE FUNCTION dawg_asset_outputs_removed();

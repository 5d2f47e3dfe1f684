-- A presigned upload's URL works until it expires, whatever became of the upload: it therefore writes to a staging
-- key (uploads/...) that no asset ever has, and completion copies the checked bytes to the asset's own key
-- (asset_key), so the URL can never change an asset's bytes. An upload row that goes away queues both keys for
-- removal unless an asset holds them (bytes PUT again later are removed by the sweep's look at the staging prefix).
ALTER TABLE asset_uploads ADD COLUMN asset_key text UNIQUE;

CREATE OR REPLACE FUNCTION dawg_upload_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE storage_usage SET reserved_bytes = greatest(reserved_bytes - OLD.reserved_bytes, 0) WHERE user_id = OLD.owner_id;
    IF NOT EXISTS (SELECT 1 FROM assets WHERE object_key = OLD.object_key) THEN
        INSERT INTO orphaned_objects (object_key, s3_upload_id) VALUES (OLD.object_key, OLD.s3_upload_id)
        ON CONFLICT (object_key) DO UPDATE SET s3_upload_id = coalesce(excluded.s3_upload_id, orphaned_objects.s3_upload_id);
    END IF;
    IF OLD.asset_key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM assets WHERE object_key = OLD.asset_key) THEN
        INSERT INTO orphaned_objects (object_key) VALUES (OLD.asset_key) ON CONFLICT (object_key) DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

-- Presigned uploads open at this migration keep the URL they were given; their bytes are copied to a key of their
-- own on completion all the same.
UPDATE asset_uploads SET asset_key = 'assets/' || gen_random_uuid() WHERE kind = 'presigned';

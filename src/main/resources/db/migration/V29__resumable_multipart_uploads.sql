-- Resumable uploads (issue 19): an S3 multipart upload whose parts the browser PUTs straight to the store through
-- presigned part URLs, so a broken connection or a page reload loses at most the parts in flight. Like a presigned
-- upload it reserves its declared size when it starts, lands on a staging key (object_key, its store-side upload id
-- in s3_upload_id) and is copied to asset_key once checked; the server chooses the size of its parts.
ALTER TABLE asset_uploads DROP CONSTRAINT asset_uploads_kind_check;
ALTER TABLE asset_uploads ADD CONSTRAINT asset_uploads_kind_check CHECK (kind IN ('presigned', 'streamed', 'multipart'));
ALTER TABLE asset_uploads ADD COLUMN part_size bigint CHECK (part_size >= 5242880);
ALTER TABLE asset_uploads ADD CONSTRAINT asset_uploads_multipart CHECK (
    kind <> 'multipart' OR (part_size IS NOT NULL AND declared_size IS NOT NULL AND asset_key IS NOT NULL));
-- An owner's open uploads of one kind (a client that lost its upload id after a reload lists them).
CREATE INDEX asset_uploads_owner_idx ON asset_uploads (owner_id, kind);

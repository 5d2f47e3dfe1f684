-- A presigned upload's bytes may also be PUT through this server instead of straight to the store: for clients
-- that cannot send the store's signed headers (the DAWG web client PUTs with its own). Such a PUT is authorised by
-- a key handed out for that one upload, valid while it is open; only the key's SHA-256 is kept.
ALTER TABLE asset_uploads ADD COLUMN put_key_sha256 text CHECK (put_key_sha256 ~ '^[0-9a-f]{64}$');

-- A personal sample library (issue 17): audio owned by a user and bound to no project, in folders that nest.
-- An asset is now one of three kinds: in a project (project and owner), in a user's library (owner, no project,
-- maybe a folder) or in the built-in system library (neither, a category). Library assets count against their
-- owner's quota like project assets (the V5 triggers count every asset with an owner).

CREATE TABLE asset_folders (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id   uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    parent_id  uuid,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- (id, owner_id) is what children and assets refer to, so a folder can only hold its owner's things.
    UNIQUE (id, owner_id),
    -- No action (checked at the end of the statement): a folder with subfolders is not deleted, while a user's
    -- whole tree still goes with the user.
    FOREIGN KEY (parent_id, owner_id) REFERENCES asset_folders (id, owner_id),
    CHECK (parent_id IS DISTINCT FROM id)
);
-- Names are unique among siblings, whatever their case (a folder path names one folder).
CREATE UNIQUE INDEX asset_folders_sibling_name_idx
    ON asset_folders (owner_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));
CREATE INDEX asset_folders_owner_idx ON asset_folders (owner_id, created_at, id);
CREATE INDEX asset_folders_parent_idx ON asset_folders (parent_id) WHERE parent_id IS NOT NULL;

ALTER TABLE assets ADD COLUMN folder_id uuid;
-- No action: a folder holding assets is not deleted.
ALTER TABLE assets ADD CONSTRAINT assets_folder_fk FOREIGN KEY (folder_id, owner_id) REFERENCES asset_folders (id, owner_id);
ALTER TABLE assets DROP CONSTRAINT assets_check, DROP CONSTRAINT assets_check1;
ALTER TABLE assets ADD CONSTRAINT assets_kind CHECK (
       (project_id IS NOT NULL AND owner_id IS NOT NULL AND folder_id IS NULL)
    OR (project_id IS NULL AND owner_id IS NOT NULL AND category IS NULL)
    OR (project_id IS NULL AND owner_id IS NULL AND category IS NOT NULL AND folder_id IS NULL));
-- A user's library, newest first, whole or by folder (keyset pagination on (created_at, id)).
CREATE INDEX assets_personal_idx ON assets (owner_id, created_at DESC, id DESC) WHERE project_id IS NULL AND owner_id IS NOT NULL;
CREATE INDEX assets_folder_idx ON assets (folder_id, created_at DESC, id DESC) WHERE folder_id IS NOT NULL;

-- An upload into the caller's own library (no project, counted against the quota), and the folder it lands in.
-- An upload in flight into a folder keeps the folder from being deleted, like an asset in it.
ALTER TABLE asset_uploads ADD COLUMN personal boolean NOT NULL DEFAULT false;
ALTER TABLE asset_uploads ADD COLUMN folder_id uuid;
ALTER TABLE asset_uploads ADD CONSTRAINT asset_uploads_folder_fk FOREIGN KEY (folder_id, owner_id) REFERENCES asset_folders (id, owner_id);
ALTER TABLE asset_uploads ADD CONSTRAINT asset_uploads_personal CHECK (NOT personal OR project_id IS NULL);
ALTER TABLE asset_uploads ADD CONSTRAINT asset_uploads_folder CHECK (folder_id IS NULL OR personal);

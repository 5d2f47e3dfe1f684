-- A project's rendered preview (issue 17): the audio a listener hears in the feed before opening the project. It is
-- an asset: uploaded for the project (owned: replacing or removing the preview deletes it), or one of the uploader's
-- own assets named by reference (not owned: it stays where it is). One preview per project; it goes with its project
-- or its asset. Not a project change: no version, no history.
CREATE TABLE project_previews (
    project_id       uuid PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    asset_id         uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    owned            boolean NOT NULL,
    duration_seconds double precision NOT NULL CHECK (duration_seconds >= 0 AND duration_seconds <= 86400),
    rendered_at      timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX project_previews_asset ON project_previews (asset_id);

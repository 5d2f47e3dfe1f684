-- Who used which library sample how (issue 17): one row per sample, user and kind of use, counted exactly. The
-- sample's total (system_samples.usage_count) grows in the same statement as this row.
CREATE TABLE system_sample_usage (
    asset_id      uuid        NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    user_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    usage_type    text        NOT NULL CHECK (usage_type IN ('loaded', 'used_in_project', 'exported')),
    usage_count   bigint      NOT NULL DEFAULT 1 CHECK (usage_count > 0),
    project_id    uuid REFERENCES projects (id) ON DELETE SET NULL,
    first_used_at timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (asset_id, user_id, usage_type)
);
CREATE INDEX system_sample_usage_user_idx ON system_sample_usage (user_id);

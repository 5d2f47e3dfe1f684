-- Shares of a project counted per platform (the share button of a client: "shared to twitter", "copied the link").
-- A count, unlike share links (V4), which grant access. One row per project and platform; each share adds one
-- under the row's lock, so the count is exact under any concurrency. The platforms are a bounded set named by
-- the API (SharePlatform); the length check only keeps a stray value small.
CREATE TABLE project_share_counts (
    project_id  uuid   NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    platform    text   NOT NULL CHECK (char_length(platform) BETWEEN 1 AND 32),
    share_count bigint NOT NULL CHECK (share_count >= 0),
    PRIMARY KEY (project_id, platform)
);

-- Trending (issue 18): each project's activity per period (day, week, month), forward-decayed: log2 of the sum of
-- weight × 2^((t − epoch) / half-life) over its likes, comments, plays and remixes. Every project's score decays by the
-- same factor as time passes, so ordering by this column is ordering by the decayed score at any moment: the top of a
-- period is an index scan, and an interaction only adds to one row per period. Kept in log space so it never
-- overflows (2^((t − epoch) / 6 h) would pass a double's range in under a year).
CREATE TABLE trending_scores (
    period           text             NOT NULL CHECK (period IN ('day', 'week', 'month')),
    project_id       uuid             NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    log_score        double precision NOT NULL,
    last_activity_at timestamptz      NOT NULL,
    PRIMARY KEY (period, project_id)
);

CREATE INDEX trending_scores_rank_idx ON trending_scores (period, log_score DESC, project_id DESC);
-- The sweep of projects with no activity within their period.
CREATE INDEX trending_scores_last_activity_idx ON trending_scores (period, last_activity_at);

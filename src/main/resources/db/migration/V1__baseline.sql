-- Baseline: extensions every feature relies on.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

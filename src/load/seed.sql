-- Seeds :users users (sharing the password hash of the account named :'template') and :projects projects
-- each with a ~50 KB projectData, spread over those users; one public in two. Idempotent per prefix.
\set ON_ERROR_STOP on
INSERT INTO users (email, username, display_name, password_hash)
SELECT 'load' || u || '@example.test', 'load' || u, 'Load user ' || u, t.password_hash
FROM generate_series(1, :users) u, (SELECT password_hash FROM users WHERE username = :'template') t
ON CONFLICT DO NOTHING;

CREATE TEMP TABLE song AS
SELECT jsonb_build_object(
    'tempo', 120,
    'mixer', jsonb_build_object('master', jsonb_build_object('gain', -3, 'limiter', true)),
    'tracks', (SELECT jsonb_agg(jsonb_build_object('id', 't' || t, 'name', 'Track ' || t, 'volume', 0.8, 'pan', 0,
        'clips', (SELECT jsonb_agg(jsonb_build_object('id', 'c' || t || '-' || c, 'start', c * 4, 'length', 4,
            'notes', (SELECT jsonb_agg(jsonb_build_object('pitch', 40 + (n * 7) % 40, 'start', n * 0.25, 'len', 0.25,
                'vel', 64 + n % 60)) FROM generate_series(1, 8) n)))
            FROM generate_series(1, 6) c)))
        FROM generate_series(1, 17) t)) AS data;

INSERT INTO projects (owner_id, title, description, tags, bpm, key_signature, visibility, project_data)
SELECT (SELECT id FROM users WHERE username = 'load' || (1 + p % :users)),
       'Load song ' || p || ' ' || (ARRAY['groove', 'anthem', 'sketch', 'loop', 'jam'])[1 + p % 5],
       'A seeded project for load tests, number ' || p,
       ARRAY[(ARRAY['house', 'techno', 'ambient', 'trap'])[1 + p % 4]],
       80 + p % 80, 'C minor', CASE WHEN p % 2 = 0 THEN 'public' ELSE 'private' END, song.data
FROM generate_series(1, :projects) p, song;

-- The template account's own projects, for the autosave scenarios (one per writing connection).
INSERT INTO projects (owner_id, title, tags, bpm, visibility, project_data)
SELECT (SELECT id FROM users WHERE username = :'template'), 'Load song autosave ' || p, ARRAY['autosave'], 120, 'private', song.data
FROM generate_series(1, 64) p, song;

\copy (SELECT jsonb_build_object('title', 'Autosaved song', 'projectData', data) FROM song) TO 'put-body.json'

INSERT INTO project_versions (project_id, version, title, description, tags, bpm, key_signature, time_signature,
                              project_data, author_id, size_bytes)
SELECT id, version, title, description, tags, bpm, key_signature, time_signature, project_data, owner_id,
       octet_length(project_data::text)
FROM projects p WHERE title LIKE 'Load song %'
ON CONFLICT DO NOTHING;

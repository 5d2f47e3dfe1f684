# Sourced by run.sh and profile.sh. autosave_writers BASE DB COUNT: the autosave writers, musicians of their own
# (load1..loadCOUNT), each saving one of their projects, as autosaving clients are: one "project-id access-token"
# line each, with a fresh token.
autosave_writers() {
  local base=$1 db=$2 count=$3 writer writer_token
  for writer in $(seq 1 "$count"); do
    writer_token=$(curl -fs -X POST "$base/api/auth/login" -H 'Content-Type: application/json' \
      -d "{\"login\":\"load$writer\",\"password\":\"load test password\"}" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
    echo "$(psql -qAt -d "$db" -c "SELECT p.id FROM projects p JOIN users u ON u.id = p.owner_id WHERE u.username = 'load$writer' \
      ORDER BY p.title LIMIT 1") $writer_token"
  done
}

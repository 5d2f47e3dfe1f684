# Sourced by the harness scripts: starts S3Proxy (the store the default jar embeds) in a process of its own, from the
# default jar's libraries (unpacked by the caller), and exports the DAWG_S3_* variables that point the server at it, so that a measured
# server (the production jar, which carries no embedded servers) has all three services external.
#   start_external_s3 <directory of the default jar's libraries> <work dir> <port>   (sets S3_PID; the caller stops it)
start_external_s3() {
  local libraries=$1 dir=$2/external-s3 port=$3
  rm -rf "$dir" && mkdir -p "$dir/blobs"
  cat > "$dir/s3proxy.conf" <<CONF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=harness-access
s3proxy.credential=harness-secret-key
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$(readlink -f "$dir/blobs")
CONF
  java -cp "$libraries/*" org.gaul.s3proxy.Main --properties "$dir/s3proxy.conf" > "$dir/s3proxy.log" 2>&1 &
  S3_PID=$!
  until curl -s -o /dev/null "http://127.0.0.1:$port/"; do
    kill -0 $S3_PID 2>/dev/null || { echo "S3Proxy died; see $dir/s3proxy.log" >&2; return 1; }
    sleep 0.1
  done
  export DAWG_S3_ENDPOINT=http://127.0.0.1:$port DAWG_S3_ACCESS_KEY=harness-access DAWG_S3_SECRET_KEY=harness-secret-key
}

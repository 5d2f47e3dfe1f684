-- Autosave: run with as many threads as connections (-t N -c N), so each thread has one request in flight
-- and owns one project. MODE=patch sends a small JSON Patch; MODE=put the whole ~50 KB project. Each 200
-- answer's ETag is the version the next save is based on; a 409 (a previous run's versions) resyncs from its
-- ETag; anything else is counted as an error.
-- WRITERS_FILE=writers.txt: one "project-id token" line per writer, each an account of its own (as autosaving musicians
-- are); else every writer is the TOKEN's account, on the projects of IDS.
local ids, tokens = {}, {}
local writers = os.getenv("WRITERS_FILE")
for line in io.lines(writers or os.getenv("IDS") or "owned.txt") do
  local id, writer_token = string.match(line, "^(%S+)%s*(%S*)$")
  ids[#ids + 1] = id
  tokens[#tokens + 1] = writer_token ~= "" and writer_token or os.getenv("TOKEN")
end
local mode = os.getenv("MODE") or "patch"
local body_file = os.getenv("BODY") or "put-body.json"
local threads = {}
local next_index = 1

setup = function(thread)
  thread:set("project", ids[next_index])
  thread:set("token", tokens[next_index])
  next_index = next_index + 1
  table.insert(threads, thread)
end

init = function(args)
  version = 1
  saves = 0
  conflicts = 0
  if mode == "put" then
    local f = io.open(body_file, "r")
    put_body = f:read("*a")
    f:close()
  end
end

request = function()
  local headers = { ["Authorization"] = "Bearer " .. token, ["If-Match"] = '"' .. version .. '"' }
  if mode == "put" then
    headers["Content-Type"] = "application/json"
    return wrk.format("PUT", "/api/projects/" .. project, headers, put_body)
  end
  headers["Content-Type"] = "application/json-patch+json"
  local patch = '[{"op":"replace","path":"/projectData/tracks/0/volume","value":' .. (saves % 100) / 100 .. '},'
      .. '{"op":"add","path":"/projectData/lastSave","value":' .. saves .. '}]'
  return wrk.format("PATCH", "/api/projects/" .. project, headers, patch)
end

response = function(status, headers, body)
  if status == 200 then
    saves = saves + 1
    local etag = headers["ETag"] or headers["etag"]
    version = tonumber(string.match(etag, "%d+"))
  elseif status == 409 then
    -- A previous run left the project further on: the conflict names the current version, as a client reloads.
    conflicts = conflicts + 1
    local etag = headers["ETag"] or headers["etag"]
    if etag then version = tonumber(string.match(etag, "%d+")) end
  end
end

done = function(summary, latency, requests)
  local saved, conflicted = 0, 0
  for _, thread in ipairs(threads) do
    saved = saved + thread:get("saves")
    conflicted = conflicted + thread:get("conflicts")
  end
  io.write(string.format("autosave %s: %d saves acknowledged, %d conflicts\n", mode, saved, conflicted))
end

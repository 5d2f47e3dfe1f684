-- GET a random project from ids.txt (one id per line). Env: TOKEN (optional bearer), ETAG_ONE=1 sends
-- If-None-Match: "1" (seeded projects are at version 1, so every answer is a 304); REQUEST_ID=1 sends a request id of
-- the client's, which the in-memory shortcut leaves to the framework (the framework path's cost); GZIP=1 sends
-- Accept-Encoding: gzip, as browsers do (the answer is then the cached compressed document, sent as it is).
local ids = {}
for line in io.lines(os.getenv("IDS") or "ids.txt") do ids[#ids + 1] = line end
local token = os.getenv("TOKEN")
local revalidate = os.getenv("ETAG_ONE") == "1"
local requestId = os.getenv("REQUEST_ID") == "1"
local gzip = os.getenv("GZIP") == "1"
local counter = 0
request = function()
  counter = counter + 1
  local headers = {}
  if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
  if revalidate then headers["If-None-Match"] = '"1"' end
  if requestId then headers["X-Request-Id"] = "load-" .. counter end
  if gzip then headers["Accept-Encoding"] = "gzip" end
  return wrk.format("GET", "/api/projects/" .. ids[(counter * 7919) % #ids + 1], headers)
end

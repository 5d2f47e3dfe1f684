-- POST a comment on a random public project from ids.txt as the load user (TOKEN): one row, one counter, one
-- notification and one comment:added event per request.
local ids = {}
for line in io.lines("ids.txt") do ids[#ids + 1] = line end
local token = os.getenv("TOKEN")
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("POST", "/api/projects/" .. ids[(counter * 7919) % #ids + 1] .. "/comments",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" },
    '{"text":"Nice groove, take ' .. counter .. '"}')
end

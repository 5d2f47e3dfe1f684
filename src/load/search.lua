-- Full-text search over the seeded public projects with a few different words.
local words = { "groove", "anthem", "sketch", "loop", "jam" }
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/search/projects?q=" .. words[counter % #words + 1] .. "&limit=20")
end

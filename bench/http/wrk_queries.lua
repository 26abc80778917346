-- wrk script: POSTs the JSON bodies of a file (one per line) to one path, in turn, over and over.
-- Used by http_bench.py --wrk: wrk -s wrk_queries.lua URL -- BODIES_FILE PATH
local bodies = {}
local next_body = 1
local path = "/"

function init(args)
  path = args[2]
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format("POST", path, {["Content-Type"] = "application/json"}, body)
end

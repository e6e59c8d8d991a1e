-- wrk script: POST /v1/query with the primary-key SELECT and a random id per request.
-- BENCH_ROWS (default 10000) is the number of rows in bench_item; ids are 1..BENCH_ROWS.
local rows = tonumber(os.getenv("BENCH_ROWS") or "10000")
local headers = { ["Content-Type"] = "application/json" }
local path = nil -- the URL's path (/v1/query)

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  -- each wrk thread has its own Lua state; give each its own random sequence
  math.randomseed(os.time() * 1000 + (seed or 0))
end

function request()
  local id = math.random(1, rows)
  local body = '{"sql":"SELECT id, name, price FROM bench_item WHERE id = ?","params":[' .. id .. ']}'
  return wrk.format("POST", path, headers, body)
end

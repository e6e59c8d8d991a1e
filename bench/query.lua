-- wrk script: POST /v1/query with pgbench's select-only statement and a random aid per request.
-- BENCH_ACCOUNTS (default 100000, pgbench scale 1) is the number of rows in pgbench_accounts.
local accounts = tonumber(os.getenv("BENCH_ACCOUNTS") or "100000")
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
  local aid = math.random(1, accounts)
  local body = '{"sql":"SELECT abalance FROM pgbench_accounts WHERE aid = ?","params":[' .. aid .. ']}'
  return wrk.format("POST", path, headers, body)
end

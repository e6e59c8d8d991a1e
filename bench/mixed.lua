-- wrk script: the mixed load on the gateway, each request picked at random:
--   60 % POST /v1/query, the point SELECT of pgbench_accounts (random aid);
--   20 % POST /v1/query, an INSERT into bench_mixed with an Idempotency-Key header (a new key each time);
--   10 % POST /v1/batch, the same INSERT with 3 rows of params (one transaction);
--   10 % POST /v1/transaction, two statements: an UPDATE of a pgbench_accounts row and an INSERT.
-- bench/src/bench/DirectPoolBench.java (-Dworkload=mixed) runs the same mix on a pool.
-- Environment: BENCH_ACCOUNTS (100000), BENCH_KEY_PREFIX (makes keys and values unique to one wrk run;
-- run.sh sets it per run, since each wrk run starts its counters again), BENCH_BEARER (an API key to
-- send, for a gateway with keys), BENCH_COUNT_ANSWERS=1 (count every answer by status and, for a
-- problem, its code; printed at the end as one "ANSWERS status[ code]=count ..." line: soak.sh reads it).
local accounts = tonumber(os.getenv("BENCH_ACCOUNTS") or "100000")
local prefix = os.getenv("BENCH_KEY_PREFIX") or tostring(os.time())
local bearer = os.getenv("BENCH_BEARER")
local json = { ["Content-Type"] = "application/json" }
if bearer then json["Authorization"] = "Bearer " .. bearer end
local insert = "INSERT INTO bench_mixed (k, v) VALUES (?, ?)"
local update = "UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?"

local counter = 0
local threads = {}
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
  table.insert(threads, thread)
end

local n = 0
function init(args)
  -- each wrk thread has its own Lua state; give each its own random sequence and keys
  math.randomseed(os.time() * 1000 + (seed or 0))
  prefix = prefix .. "-" .. (seed or 0)
end

local function key()
  n = n + 1
  return prefix .. "-" .. n
end

local function row()
  return '["' .. key() .. '",' .. math.random(0, 999999) .. ']'
end

function request()
  local roll = math.random(0, 99)
  if roll < 60 then
    return wrk.format("POST", "/v1/query", json,
      '{"sql":"SELECT abalance FROM pgbench_accounts WHERE aid = ?","params":[' .. math.random(1, accounts) .. ']}')
  elseif roll < 80 then
    local k = key()
    local headers = { ["Content-Type"] = "application/json", ["Idempotency-Key"] = k }
    if bearer then headers["Authorization"] = "Bearer " .. bearer end
    return wrk.format("POST", "/v1/query", headers,
      '{"sql":"' .. insert .. '","params":["' .. k .. '",' .. math.random(0, 999999) .. ']}')
  elseif roll < 90 then
    return wrk.format("POST", "/v1/batch", json,
      '{"sql":"' .. insert .. '","params":[' .. row() .. ',' .. row() .. ',' .. row() .. ']}')
  else
    local delta = math.random(-5000, 5000)
    return wrk.format("POST", "/v1/transaction", json,
      '{"statements":[{"sql":"' .. update .. '","params":[' .. delta .. ',' .. math.random(1, accounts) .. ']},'
      .. '{"sql":"' .. insert .. '","params":["' .. key() .. '",' .. delta .. ']}]}')
  end
end

if os.getenv("BENCH_COUNT_ANSWERS") == "1" then
  answers = {}  -- per thread: "status[ code]" -> count (a global, so done() can read it from each thread)
  function response(status, headers, body)
    local kind = tostring(status)
    if status >= 300 then
      kind = kind .. " " .. (string.match(body or "", '"code"%s*:%s*"([%u_]+)"') or "?")
    end
    answers[kind] = (answers[kind] or 0) + 1
  end

  function done(summary, latency, requests)
    local total = {}
    for _, thread in ipairs(threads) do
      for kind, count in pairs(thread:get("answers")) do
        total[kind] = (total[kind] or 0) + count
      end
    end
    local line = "ANSWERS"
    for kind, count in pairs(total) do
      line = line .. " " .. string.gsub(kind, " ", ":") .. "=" .. count
    end
    print(line)
  end
end

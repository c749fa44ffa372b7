-- A hall's day over HTTP for wrk: one wrk thread per terminal, each with one connection.
--
-- Run by bench_service.py as
--   wrk -t N -c N -d SECONDS -s service_day.lua http://127.0.0.1:PORT -- PLAN OUT MAX
-- PLAN is a file with one terminal a line: "counter TOKEN WINDOW", "kiosk TOKEN LINE1,LINE2"
-- or "phone TOKEN LINE". Each terminal runs a closed loop with no think time:
--   counter: call the next ticket to its window, start, finish; again (50 ms pause when
--            nobody waits);
--   kiosk:   take a ticket in the next line, read the queue's status;
--   phone:   take a ticket, then read it as a position page does (a new ticket every 50 reads).
-- Every terminal stops after MAX requests. OUT receives one line per request
-- ("r KIND STATUS MS SERVER_MS") and one per answered call ("c LABEL WINDOW SENT_SECONDS",
-- the monotonic clock the board's process reads too).

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } govstd_timespec;
int clock_gettime(int clock, govstd_timespec *ts);
]]
local ts = ffi.new("govstd_timespec")
local function now()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC, as Python's time.monotonic()
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

-- The main state: hand each thread its terminal, gather the results at the end.
local threads = {}
local plan = {}

function setup(thread)
  if #plan == 0 then
    local path = os.getenv("GOVSTD_BENCH_PLAN")
    for row in io.lines(path) do
      plan[#plan + 1] = row
    end
  end
  local n = #threads + 1
  threads[n] = thread
  local role, token, targ = plan[(n - 1) % #plan + 1]:match("^(%S+) (%S+) (%S+)$")
  thread:set("role", role)
  thread:set("token", token)
  thread:set("targ", targ)
  thread:set("limit", tonumber(os.getenv("GOVSTD_BENCH_MAX") or "1000000"))
end

-- Each thread: one terminal.
local step, kind, sent, pause = "first", nil, 0, 0
local ticket, label, lines, nline, reads = nil, nil, {}, 0, 0
local done_requests = 0
results = {}
calls = {}

function init(args)
  for line in targ:gmatch("[^,]+") do
    lines[#lines + 1] = line
  end
end

local json = { ["Content-Type"] = "application/json", ["Authorization"] = nil }

local function post(path, body)
  json["Authorization"] = "Bearer " .. token
  return wrk.format("POST", path, json, body)
end

local function get(path)
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function delay()
  local d = pause
  pause = 0
  return d
end

function request()
  sent = now()
  if role == "counter" then
    if step == "start" then
      kind = "start"
      return post("/api/v1/queue/tickets/" .. ticket .. "/start", "")
    elseif step == "finish" then
      kind = "finish"
      return post("/api/v1/queue/tickets/" .. ticket .. "/finish", "{}")
    end
    kind = "call"
    return post("/api/v1/queue/windows/" .. targ .. "/call", "{}")
  elseif role == "kiosk" then
    if step == "status" then
      kind = "status"
      return get("/api/v1/queue/status")
    end
    nline = nline % #lines + 1
    kind = "issue"
    return post("/api/v1/queue/tickets", '{"line":"' .. lines[nline] .. '"}')
  end
  -- a phone
  if ticket == nil or reads >= 50 then
    kind = "issue"
    return post("/api/v1/queue/tickets", '{"line":"' .. lines[1] .. '"}')
  end
  reads = reads + 1
  kind = "ticket"
  return get("/api/v1/queue/tickets/" .. ticket)
end

function response(status, headers, body)
  local took = (now() - sent) * 1000
  local timing = headers["server-timing"] or headers["Server-Timing"] or ""
  local server = timing:match("app;dur=([%d%.]+)") or "-"
  results[#results + 1] = string.format("r %s %d %.3f %s", kind, status, took, server)
  local ok = status >= 200 and status < 300
  if role == "counter" then
    if kind == "call" then
      if ok then
        ticket = body:match('"id":"([^"]+)"')
        label = body:match('"label":"([^"]+)"')
        calls[#calls + 1] = string.format("c %s %s %.6f", label, targ, sent)
        step = "start"
      else
        pause = 50
      end
    elseif kind == "start" then
      step = ok and "finish" or "call"
    else
      step = "call"
    end
  elseif role == "kiosk" then
    step = (kind == "issue") and "status" or "issue"
  elseif kind == "issue" and ok then
    ticket = body:match('"id":"([^"]+)"')
    reads = 0
  end
  done_requests = done_requests + 1
  if done_requests >= limit then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("GOVSTD_BENCH_OUT"), "w"))
  for _, thread in ipairs(threads) do
    for _, row in ipairs(thread:get("results") or {}) do
      out:write(row, "\n")
    end
    for _, row in ipairs(thread:get("calls") or {}) do
      out:write(row, "\n")
    end
  end
  out:write(string.format("s %d %d %.6f\n", summary.requests, summary.errors.status,
    summary.duration / 1e6))
  out:close()
end

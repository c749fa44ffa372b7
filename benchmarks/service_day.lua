-- A hall's terminals over HTTP for wrk: one wrk thread per terminal, each with one connection.
--
-- Run by bench_service.py as
--   wrk -t N -c N -d SECONDS -s service_day.lua http://127.0.0.1:PORT
-- with GOVSTD_BENCH_PLAN (a file with one terminal a line: "ROLE TOKEN ARG FULL"),
-- GOVSTD_BENCH_OUT (where the results go) and GOVSTD_BENCH_MAX (requests per terminal).
-- Each terminal runs a closed loop with no think time:
--   counter WINDOW: call the next ticket to the window, start, finish; again (50 ms pause
--                   when nobody waits);
--   kiosk LINES:    read the queue's status; take a ticket in the next line while fewer than
--                   FULL wait in it (else a 50 ms pause and another status read);
--   issuer LINES:   take a ticket in the next line, and again (no reads);
--   phone LINE:     take a ticket, then read its position until it is called; again.
-- OUT receives one line per request ("r KIND STATUS MS SERVER_MS"), one per answered call
-- ("c LABEL WINDOW SENT_SECONDS", the monotonic clock the board's process reads too) and a
-- summary ("s REQUESTS ERRORS SECONDS").

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
    for row in io.lines(os.getenv("GOVSTD_BENCH_PLAN")) do
      plan[#plan + 1] = row
    end
  end
  local n = #threads + 1
  threads[n] = thread
  local role, token, targ, full = plan[(n - 1) % #plan + 1]:match("^(%S+) (%S+) (%S+) (%S+)$")
  thread:set("role", role)
  thread:set("token", token)
  thread:set("targ", targ)
  thread:set("full", tonumber(full))
  thread:set("limit", tonumber(os.getenv("GOVSTD_BENCH_MAX") or "1000000"))
end

-- Each thread: one terminal.
local step, kind, sent, pause = "first", nil, 0, 0
local ticket, label, lines, nline = nil, nil, {}, 1
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

local function issue(line)
  kind = "issue"
  return post("/api/v1/queue/tickets", '{"line":"' .. line .. '"}')
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
    if step == "issue" then
      return issue(lines[nline])
    end
    kind = "status"
    return get("/api/v1/queue/status")
  elseif role == "issuer" then
    nline = nline % #lines + 1
    return issue(lines[nline])
  end
  -- a phone
  if ticket == nil then
    return issue(lines[1])
  end
  kind = "position"
  return get("/api/v1/queue/tickets/" .. ticket .. "/position")
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
    if kind == "status" then
      local waiting = ok and tonumber(body:match('"' .. lines[nline] .. '":(%d+)')) or 0
      if waiting < full then
        step = "issue"
      else
        pause = 50 -- the hall is full: look again
      end
    else
      nline = nline % #lines + 1
      step = "status"
    end
  elseif role == "phone" then
    if kind == "issue" then
      ticket = ok and body:match('"id":"([^"]+)"') or nil
    elseif not ok then
      ticket = nil -- called: take another
    end
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

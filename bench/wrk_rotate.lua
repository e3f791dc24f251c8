-- wrk script for bench/http_bench.py: rotate through the URL paths listed in a file
-- (one per line, given after `--`), each thread starting at its own offset, and print
-- the latency percentiles and counts as one JSON line at the end.
--   wrk -t2 -c8 -d30s -s bench/wrk_rotate.lua http://127.0.0.1:PORT -- paths.txt

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local paths = {}

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  local offset = math.floor((id or 0) * #paths / 2)
  counter = offset % #paths + 1
end

function request()
  local path = paths[counter]
  counter = counter % #paths + 1
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'JSON {"p50": %.3f, "p90": %.3f, "p95": %.3f, "p99": %.3f, "mean": %.3f, "max": %.3f, ' ..
    '"requests": %d, "duration_us": %d, "errors_status": %d, "errors_timeout": %d, ' ..
    '"errors_connect": %d, "errors_read": %d}\n',
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000, latency.max / 1000,
    summary.requests, summary.duration, errors.status, errors.timeout, errors.connect, errors.read))
end

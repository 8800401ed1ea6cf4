-- The wrk script of bench/http_speed.py: headers and body of one endpoint, and a
-- result file that the bench reads back (bench/http_load.py).
--
-- Configured through the environment, which every wrk Lua state can read:
--   BENCH_TOKEN       X-Session-Token of the person calling (none for the floor)
--   BENCH_BODY_FILE   a JSON body to send (with BENCH_METHOD=POST)
--   BENCH_KEY_PREFIX  send a fresh Idempotency-Key per request, as a client app
--                     does for each new answer
--   BENCH_OUT         where done() writes its JSON result

local token = os.getenv("BENCH_TOKEN")
local body_file = os.getenv("BENCH_BODY_FILE")
local key_prefix = os.getenv("BENCH_KEY_PREFIX")

wrk.method = os.getenv("BENCH_METHOD") or "GET"
-- Production sits behind a TLS proxy that says so; without this header
-- SECURE_SSL_REDIRECT would answer every request with a 301.
wrk.headers["X-Forwarded-Proto"] = "https"
wrk.headers["Accept"] = "application/json"
if token and token ~= "" then
   wrk.headers["X-Session-Token"] = token
end
if body_file and body_file ~= "" then
   local file = assert(io.open(body_file, "rb"))
   wrk.body = file:read("*a")
   file:close()
   wrk.headers["Content-Type"] = "application/json"
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("thread_number", #threads)
end

function init(args)
   statuses = {}
   sent = 0
end

if key_prefix and key_prefix ~= "" then
   -- wrk.format() replaces wrk.headers when given headers, so copy them all.
   function request()
      sent = sent + 1
      local headers = {}
      for name, value in pairs(wrk.headers) do
         headers[name] = value
      end
      headers["Idempotency-Key"] = string.format("%s-%d-%d", key_prefix, thread_number, sent)
      return wrk.format(nil, nil, headers)
   end
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local counts = {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses")) do
         counts[status] = (counts[status] or 0) + count
      end
   end
   local parts = {}
   for status, count in pairs(counts) do
      table.insert(parts, string.format('"%d": %d', status, count))
   end
   local errors = summary.errors
   local out = assert(io.open(os.getenv("BENCH_OUT"), "w"))
   out:write(string.format(
      '{"requests": %d, "duration_us": %d, "bytes": %d, '
         .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
         .. '"statuses": {%s}, '
         .. '"latency_us": {"min": %d, "max": %d, "mean": %.1f, "stdev": %.1f, '
         .. '"p50": %d, "p90": %d, "p99": %d, "p999": %d}}\n',
      summary.requests, summary.duration, summary.bytes,
      errors.connect, errors.read, errors.write, errors.status, errors.timeout,
      table.concat(parts, ", "),
      latency.min, latency.max, latency.mean, latency.stdev,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency:percentile(99.9)
   ))
   out:close()
end

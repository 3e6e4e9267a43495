-- GCRA (generic cell rate algorithm) for one user's requests, atomic in Redis so every replica
-- shares it. One key per user holds its theoretical arrival time (TAT, ms); a request is allowed
-- when it is no earlier than TAT - window, and then moves TAT on by one emission interval. So a
-- user may send `limit` requests at once after being idle, and `limit` per window steadily —
-- no fixed-window edge where twice the limit passes in a moment, and O(1) memory per user (a
-- sliding log would keep every request). The clock is Redis's (TIME), so replicas' clocks may differ.
--
-- KEYS[1]  the user's key
-- ARGV[1]  limit (requests per window)   ARGV[2]  window (ms)
-- returns  { allowed (1|0), remaining, ms until the quota is whole again, ms until a request is allowed }
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local interval = window / limit
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local next_tat = tat + interval
local allowed_at = next_tat - window
if now < allowed_at then
  return { 0, 0, math.ceil(tat - now), math.ceil(allowed_at - now) }
end
-- the TAT keeps its fraction (%.14g: 0.1 ms at today's epoch ms): rounding it up would add up to 1 ms
-- per request, a hard cap of 1,000 requests/s whatever the limit
redis.call('SET', KEYS[1], next_tat, 'PX', math.ceil(next_tat - now))
local remaining = math.floor((window - (next_tat - now)) / interval)
return { 1, remaining, math.ceil(next_tat - now), 0 }

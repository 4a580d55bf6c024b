-- leave: takes a visitor out of the line or the active set and records why.
-- KEYS[1] waiting  zset  visitor -> join sequence
-- KEYS[2] active   zset  visitor -> activeUntil (epoch ms)
-- KEYS[3] gone     hash  visitor -> reason
-- KEYS[4] presence zset  visitor -> last seen (epoch ms)
-- KEYS[5] prequeue zset  visitor -> arrival sequence, before the opening
-- KEYS[6] away     zset  visitor -> last seen, waiting visitors whose lease ran out
-- KEYS[7..9] the report's keys (lib/report.lua)
-- ARGV[1] visitor id
-- ARGV[2] reason (left, disconnected, removed)
-- Returns the state the visitor was in: "waiting", "active" or "gone" (nothing to do).
--#include report
local visitor = ARGV[1]
local was = 'gone'
if redis.call('ZREM', KEYS[1], visitor) == 1 or redis.call('ZREM', KEYS[5], visitor) == 1 then
  was = 'waiting'
elseif redis.call('ZREM', KEYS[2], visitor) == 1 then
  was = 'active'
end
redis.call('ZREM', KEYS[4], visitor)
redis.call('ZREM', KEYS[6], visitor)
if was ~= 'gone' then
  redis.call('HSET', KEYS[3], visitor, ARGV[2])
  report.departed(visitor, ARGV[2])
end
return was

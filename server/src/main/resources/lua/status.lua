-- status: where one visitor stands, read in one step so position and state agree. A visitor still
-- in line or active is present: asking renews their presence lease.
-- KEYS[1] waiting  zset  visitor -> join sequence
-- KEYS[2] active   zset  visitor -> activeUntil (epoch ms)
-- KEYS[3] gone     hash  visitor -> reason
-- KEYS[4] meta     hash  rate (measured admissions per second)
-- KEYS[5] presence zset  visitor -> last seen (epoch ms)
-- KEYS[6] prequeue zset  visitor -> arrival sequence, before the opening
-- ARGV[1] visitor id
-- ARGV[2] now, epoch ms
-- Returns {state, position | activeUntil | reason | 0, waitingCount, rate or ""}, state being
-- "waiting", "active", "gone" or "prequeue" (waitingCount then counts the pre-queue).
local visitor = ARGV[1]
local waiting = redis.call('ZCARD', KEYS[1])
local rate = redis.call('HGET', KEYS[4], 'rate') or ''
if redis.call('ZSCORE', KEYS[6], visitor) then
  redis.call('ZADD', KEYS[5], ARGV[2], visitor)
  return {'prequeue', 0, redis.call('ZCARD', KEYS[6]), rate}
end
local rank = redis.call('ZRANK', KEYS[1], visitor)
if rank then
  redis.call('ZADD', KEYS[5], ARGV[2], visitor)
  return {'waiting', rank + 1, waiting, rate}
end
local activeUntil = redis.call('ZSCORE', KEYS[2], visitor)
if activeUntil then
  if tonumber(activeUntil) > tonumber(ARGV[2]) then
    redis.call('ZADD', KEYS[5], ARGV[2], visitor)
    return {'active', activeUntil, waiting, rate}
  end
  -- past its time; the next admission tick moves it to gone
  return {'gone', 'expired', waiting, rate}
end
return {'gone', redis.call('HGET', KEYS[3], visitor) or 'unknown', waiting, rate}

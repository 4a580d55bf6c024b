-- join: a new visitor takes the next place in an event's line, or, while the gate is open
-- (queueing = "0"), nobody waits and a slot is free, goes straight in.
-- KEYS[1] seq      string  the event's join sequence counter
-- KEYS[2] waiting  zset    visitor -> join sequence
-- KEYS[3] active   zset    visitor -> activeUntil (epoch ms)
-- KEYS[4] meta     hash    queueing ("0" open, anything else queueing), admittedTotal
-- KEYS[5] presence zset    visitor -> last seen (epoch ms), the lease the reaper checks
-- ARGV[1] visitor id, new and random
-- ARGV[2] now, epoch ms
-- ARGV[3] activeMillis, how long an admitted visitor stays active
-- ARGV[4] maxActive
-- Returns {state, position or activeUntil, waitingCount, measured admission rate or ""}, state being
-- "waiting" or "active".
local visitor = ARGV[1]
local now = tonumber(ARGV[2])
redis.call('ZADD', KEYS[5], now, visitor)

if redis.call('HGET', KEYS[4], 'queueing') == '0'
    and redis.call('ZCARD', KEYS[2]) == 0
    and redis.call('ZCARD', KEYS[3]) < tonumber(ARGV[4]) then
  local activeUntil = now + tonumber(ARGV[3])
  redis.call('ZADD', KEYS[3], activeUntil, visitor)
  redis.call('HINCRBY', KEYS[4], 'admittedTotal', 1)
  return {'active', activeUntil, 0, redis.call('HGET', KEYS[4], 'rate') or ''}
end

local seq = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], seq, visitor)
return {'waiting', redis.call('ZRANK', KEYS[2], visitor) + 1, redis.call('ZCARD', KEYS[2]),
        redis.call('HGET', KEYS[4], 'rate') or ''}

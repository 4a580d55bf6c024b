-- join: a new visitor takes the next place in an event's line; before the opening, a place in
-- the pre-queue; or, while the gate is open (queueing = "0"), admission runs, nobody waits and a
-- slot is free, goes straight in.
-- KEYS[1] seq      string  the event's join sequence counter
-- KEYS[2] waiting  zset    visitor -> join sequence
-- KEYS[3] active   zset    visitor -> activeUntil (epoch ms)
-- KEYS[4] meta     hash    queueing ("0" open, anything else queueing), admittedTotal
-- KEYS[5] presence zset    visitor -> last seen (epoch ms), the lease the reaper checks
-- KEYS[6] prequeue zset    visitor -> arrival sequence, before the opening
-- ARGV[1] visitor id, new and random
-- ARGV[2] now, epoch ms
-- ARGV[3] activeMillis, how long an admitted visitor stays active
-- ARGV[4] maxActive
-- ARGV[5] opensAt, epoch ms (0: no scheduled opening)
-- ARGV[6] paused ("1": nobody is admitted)
-- Returns {state, position or activeUntil or 0, waitingCount, measured admission rate or ""}, state
-- being "waiting", "active" or "prequeue" (waitingCount then counts the pre-queue).
local visitor = ARGV[1]
local now = tonumber(ARGV[2])
redis.call('ZADD', KEYS[5], now, visitor)
local opensAt = tonumber(ARGV[5])

if opensAt > 0 and now < opensAt and redis.call('HGET', KEYS[4], 'opened') ~= '1' then
  redis.call('ZADD', KEYS[6], redis.call('INCR', KEYS[1]), visitor)
  return {'prequeue', 0, redis.call('ZCARD', KEYS[6]), redis.call('HGET', KEYS[4], 'rate') or ''}
end

if redis.call('HGET', KEYS[4], 'queueing') == '0' and ARGV[6] ~= '1'
    and redis.call('ZCARD', KEYS[2]) == 0 and redis.call('ZCARD', KEYS[6]) == 0
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

-- reap: what happens to visitors whose presence lease ran out (no socket renewed it, no REST call).
-- Away is not gone (lib/away.lua): a visitor in line or pre-queued whose lease ran out becomes
-- away, keeping the place, and leaves the line as 'disconnected' only once away for awaySeconds
-- since last seen. An admitted visitor whose lease ran out leaves the active set as
-- 'disconnected' at once, freeing the slot. Leases of visitors already gone are dropped.
-- KEYS[1] waiting   zset  visitor -> join sequence
-- KEYS[2] active    zset  visitor -> activeUntil (epoch ms)
-- KEYS[3] gone      hash  visitor -> reason
-- KEYS[4] presence  zset  visitor -> last seen (epoch ms)
-- KEYS[5] prequeue  zset  visitor -> arrival sequence, before the opening
-- KEYS[6] away      zset  visitor -> last seen (epoch ms)
-- KEYS[7..9] the report's keys (lib/report.lua): admitted visitors leave as 'disconnected', those
--         who lose their place in line as 'away'
-- ARGV[1] cutoff, epoch ms: leases last renewed at or before it have run out (now - graceSeconds)
-- ARGV[2] away cutoff, epoch ms: away visitors last seen at or before it lose the place
--         (now - awaySeconds)
-- ARGV[3] maxBatch, the most visitors looked at in each of the two steps
-- Returns {visitors removed from the line or the active set, how many became away}.
--#include report
local maxBatch = tonumber(ARGV[3])
local removed = {}
local wentAway = 0
local stale = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, maxBatch)
for i = 1, #stale, 2 do
  local visitor = stale[i]
  redis.call('ZREM', KEYS[4], visitor)
  if redis.call('ZREM', KEYS[2], visitor) == 1 then
    redis.call('HSET', KEYS[3], visitor, 'disconnected')
    report.departed(visitor, 'disconnected')
    removed[#removed + 1] = visitor
  elseif redis.call('ZSCORE', KEYS[1], visitor) or redis.call('ZSCORE', KEYS[5], visitor) then
    redis.call('ZADD', KEYS[6], stale[i + 1], visitor)
    wentAway = wentAway + 1
  end
end
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', ARGV[2], 'LIMIT', 0, maxBatch)
for _, visitor in ipairs(lapsed) do
  redis.call('ZREM', KEYS[6], visitor)
  if redis.call('ZREM', KEYS[1], visitor) == 1 or redis.call('ZREM', KEYS[5], visitor) == 1 then
    redis.call('HSET', KEYS[3], visitor, 'disconnected')
    report.departed(visitor, 'away')
    removed[#removed + 1] = visitor
  end
end
return {removed, wentAway}

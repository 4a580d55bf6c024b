-- reap: visitors whose presence lease ran out (no socket renewed it, no REST call) leave the line
-- or the active set as 'disconnected'. Leases of visitors already gone are dropped too.
-- KEYS[1] waiting   zset  visitor -> join sequence
-- KEYS[2] active    zset  visitor -> activeUntil (epoch ms)
-- KEYS[3] gone      hash  visitor -> reason
-- KEYS[4] presence  zset  visitor -> last seen (epoch ms)
-- KEYS[5] prequeue  zset  visitor -> arrival sequence, before the opening
-- ARGV[1] cutoff, epoch ms: leases last renewed at or before it have run out
-- ARGV[2] maxBatch
-- Returns the visitors removed from the line or the active set.
local stale = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local removed = {}
for _, visitor in ipairs(stale) do
  redis.call('ZREM', KEYS[4], visitor)
  if redis.call('ZREM', KEYS[1], visitor) == 1 or redis.call('ZREM', KEYS[2], visitor) == 1
      or redis.call('ZREM', KEYS[5], visitor) == 1 then
    redis.call('HSET', KEYS[3], visitor, 'disconnected')
    removed[#removed + 1] = visitor
  end
end
return removed

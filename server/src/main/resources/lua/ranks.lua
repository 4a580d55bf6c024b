-- ranks: positions of a batch of visitors connected to one node, in one round trip, renewing the
-- presence lease of each one still in line or active (their socket is open on that node), which
-- brings back any of them who was away (lib/away.lua).
-- KEYS[1] waiting   zset  visitor -> join sequence
-- KEYS[2] active    zset  visitor -> activeUntil (epoch ms)
-- KEYS[3] presence  zset  visitor -> last seen (epoch ms)
-- KEYS[4] meta      hash  turnoverFreed, turnoverExposure (see admit.lua), scannedTo (lib/away.lua)
-- KEYS[5] prequeue  zset  visitor -> arrival sequence, before the opening
-- KEYS[6] away      zset  visitor -> last seen (epoch ms), waiting visitors whose lease ran out
-- ARGV[1] now, epoch ms
-- ARGV[2..n] visitor ids
-- Returns {waitingCount, activeCount, turnoverFreed or "", turnoverExposure or "", then one entry
-- per visitor: position (1-based) when waiting, 0 when active, -1 when gone, -2 when in the
-- pre-queue}; a position is within the visitor's lane (lib/lanes.lua).
--#include away
--#include lanes
local now = ARGV[1]
local out = {redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]),
             redis.call('HGET', KEYS[4], 'turnoverFreed') or '', redis.call('HGET', KEYS[4], 'turnoverExposure') or ''}
for i = 2, #ARGV do
  local visitor = ARGV[i]
  local position = lanes.position(KEYS[1], visitor)
  if position then
    away.present(KEYS[3], KEYS[6], KEYS[1], KEYS[4], visitor, now)
    out[#out + 1] = position
  elseif redis.call('ZSCORE', KEYS[2], visitor) then
    redis.call('ZADD', KEYS[3], now, visitor)
    out[#out + 1] = 0
  elseif redis.call('ZSCORE', KEYS[5], visitor) then
    away.present(KEYS[3], KEYS[6], KEYS[1], KEYS[4], visitor, now)
    out[#out + 1] = -2
  else
    out[#out + 1] = -1
  end
end
return out

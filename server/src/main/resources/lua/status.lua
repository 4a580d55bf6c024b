-- status: where one visitor stands, read in one step so position and state agree. A visitor still
-- in line or active is present: asking renews their presence lease, and brings back one who was
-- away (lib/away.lua).
-- KEYS[1] waiting  zset  visitor -> join sequence
-- KEYS[2] active   zset  visitor -> activeUntil (epoch ms)
-- KEYS[3] gone     hash  visitor -> reason
-- KEYS[4] meta     hash  turnoverFreed, turnoverExposure (see admit.lua), scannedTo (lib/away.lua)
-- KEYS[5] presence zset  visitor -> last seen (epoch ms)
-- KEYS[6] prequeue zset  visitor -> arrival sequence, before the opening
-- KEYS[7] away     zset  visitor -> last seen (epoch ms), waiting visitors whose lease ran out
-- KEYS[8] lanes    hash  lane index -> name (lib/lanes.lua)
-- ARGV[1] visitor id
-- ARGV[2] now, epoch ms
-- Returns {state, position | activeUntil | reason | 0, waitingCount, activeCount, turnoverFreed or
-- "", turnoverExposure or "", back}, state being "waiting", "active", "gone" or "prequeue"
-- (waitingCount then counts the pre-queue), back "1" when the visitor had been away until now, sale
-- where the sale stands (meta "sale", kept by admit.lua: on_sale, all_held, sold_out or ended), lane
-- the lane's name while waiting or pre-queued in a lane ("" otherwise); the position is within it.
--#include away
--#include lanes
local visitor = ARGV[1]
local now = ARGV[2]
local waiting = redis.call('ZCARD', KEYS[1])
local function answer(state, value, count, back, lane)
  return {state, value, count, redis.call('ZCARD', KEYS[2]), redis.call('HGET', KEYS[4], 'turnoverFreed') or '',
          redis.call('HGET', KEYS[4], 'turnoverExposure') or '', back and '1' or '0',
          redis.call('HGET', KEYS[4], 'sale') or 'on_sale', lanes.name(KEYS[8], lane)}
end
local queued = redis.call('ZSCORE', KEYS[6], visitor)
if queued then
  local back = away.present(KEYS[5], KEYS[7], KEYS[1], KEYS[4], visitor, now)
  return answer('prequeue', 0, redis.call('ZCARD', KEYS[6]), back, lanes.of(queued))
end
local position, lane = lanes.position(KEYS[1], visitor)
if position then
  local back = away.present(KEYS[5], KEYS[7], KEYS[1], KEYS[4], visitor, now)
  return answer('waiting', position, waiting, back, lane)
end
local activeUntil = redis.call('ZSCORE', KEYS[2], visitor)
if activeUntil then
  if tonumber(activeUntil) > tonumber(now) then
    redis.call('ZADD', KEYS[5], now, visitor)
    return answer('active', activeUntil, waiting, false)
  end
  -- past its time; the next admission tick moves it to gone
  return answer('gone', 'expired', waiting, false)
end
return answer('gone', redis.call('HGET', KEYS[3], visitor) or 'unknown', waiting, false)

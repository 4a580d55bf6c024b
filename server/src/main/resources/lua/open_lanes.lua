-- open_lanes: at each lane's opening, its pre-queue moves into the line ahead of everyone who joined
-- the lane after the opening, as open.lua does for an event without lanes (lib/opening.lua: fifo, or
-- shuffled by the committed seed within the lane only), keeping the lane's own arrival numbers.
-- Each lane opens once; later calls do nothing for it.
-- KEYS[1] prequeue  zset  visitor -> lane index x 2^32 + arrival sequence (lib/lanes.lua)
-- KEYS[2] waiting   zset  visitor -> lane index x 2^32 + join sequence
-- KEYS[3] meta      hash  opened / "opened:index" ("1" once the lane opened), scannedTo /
--                         "scannedTo:index" (lib/away.lua: admission starts over at the lane's front)
-- KEYS[4] lanes     hash  lane name -> index
-- ARGV[1] "fifo" or "shuffle"
-- ARGV[2] the seed (shuffle only)
-- ARGV[3..] the names of the lanes whose opening time has come
-- Returns {name, moved, ...} for each lane opened by this call.
--#include lanes
--#include opening
local out = {}
for i = 3, #ARGV do
  local name = ARGV[i]
  local index = lanes.index(KEYS[4], name, false)
  -- a lane nobody joined yet has no pre-queue: its joins after the opening time go into the line
  if index and redis.call('HGET', KEYS[3], lanes.field('opened', index)) ~= '1' then
    local low, high = lanes.low(index), lanes.high(index)
    local moved = opening.move(redis.call('ZRANGEBYSCORE', KEYS[1], low, high, 'WITHSCORES'), KEYS[2], ARGV[1],
      ARGV[2])
    redis.call('ZREMRANGEBYSCORE', KEYS[1], low, high)
    redis.call('HSET', KEYS[3], lanes.field('opened', index), '1')
    redis.call('HDEL', KEYS[3], lanes.field('scannedTo', index))
    out[#out + 1] = name
    out[#out + 1] = moved
  end
end
return out

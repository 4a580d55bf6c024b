-- away (a library, not an operation: LuaScript inlines it where a script says "--#include away").
-- Away is not gone: a waiting (or pre-queued) visitor whose presence lease ran out keeps the place
-- for awaySeconds. They stay in the waiting zset, so everyone's position still counts them, and
-- are listed in the away zset (visitor -> last seen), which admission checks to skip them. The
-- meta hash's scannedTo is the join sequence admission has looked up to: every visitor in line at
-- or below it is away (admit.lua advances it past the away visitors it stepped over), so a front
-- full of absent visitors is stepped over once, not at every tick. Join sequences are whole
-- numbers; a visitor who comes back lowers scannedTo to just below their own, and so is the first
-- candidate of the next tick if their turn passed meanwhile.
local away = {}

-- Renews the presence lease of a visitor in line or pre-queued (they asked, or their socket is
-- open). Returns true when they were away and are back now.
function away.present(presenceKey, awayKey, waitingKey, metaKey, visitor, now)
  redis.call('ZADD', presenceKey, now, visitor)
  if redis.call('ZREM', awayKey, visitor) == 0 then
    return false
  end
  local seq = redis.call('ZSCORE', waitingKey, visitor)
  -- each lane of the line is scanned by itself (lib/lanes.lua): its scannedTo is "scannedTo:index"
  local lane = seq and math.floor(tonumber(seq) / 4294967296) or 0
  local field = lane == 0 and 'scannedTo' or ('scannedTo:' .. lane)
  local scanned = redis.call('HGET', metaKey, field)
  if seq and scanned and tonumber(seq) <= tonumber(scanned) then
    redis.call('HSET', metaKey, field, string.format('%.0f', tonumber(seq) - 1))
  end
  return true
end

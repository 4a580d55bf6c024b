-- expire_holds: frees the seats of holds whose time ran out, including confirmations whose fence
-- ran out (the confirming node died or PostgreSQL never answered within the fence).
-- KEYS: the seat keys (lib/seat_keys)
-- ARGV[1] now (ms), ARGV[2] maxBatch
-- Returns {{seat, "free", ...}, {holdId, visitor, ...}, gen, version}; a sweep that freed nothing
-- gives no version.
--#include seat_keys
--#include seat_version
--#include seat_rows
--#include hold_record
local due = redis.call('ZRANGEBYSCORE', K.holdExpiry, '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local changes = {}
local expired = {}
for _, holdId in ipairs(due) do
  redis.call('ZREM', K.holdExpiry, holdId)
  redis.call('HDEL', K.confirming, holdId)
  local record = redis.call('HGET', K.holds, holdId)
  if record then
    expired[#expired + 1] = holdId
    expired[#expired + 1] = holdRecord.drop(holdId, record, changes)
    redis.call('HINCRBY', K.stock, 'returned', 1)
  end
end
seatRows.apply(changes)
local gen, version = seatVersion.bump(K.seatVersion, K.seatLog, changes)
return {changes, expired, gen, version}

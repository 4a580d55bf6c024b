-- release: frees a hold's seats. Either the holder releases their hold by id, or (holdId "") a
-- visitor who left the flow loses whatever hold they had. A hold being confirmed is left alone.
-- KEYS: the seat keys (lib/seat_keys)
-- ARGV[1] holdId, or "" for the visitor's current hold
-- ARGV[2] visitor: the one asking (must be the holder) or the one who left
-- Returns {"ok", holdId, {seat, "free", ...}, gen, version}, or {"none"}, {"not_found"}, {"not_your_hold"},
-- {"confirm_in_progress"}.
--#include seat_keys
--#include seat_version
--#include seat_rows
--#include hold_record
local holdId, visitor = ARGV[1], ARGV[2]
if holdId == '' then
  holdId = redis.call('HGET', K.holdByVisitor, visitor)
  if not holdId then
    return {'none'}
  end
end
local record = redis.call('HGET', K.holds, holdId)
if not record then
  return {'not_found'}
end
if holdRecord.parse(record) ~= visitor then
  return {'not_your_hold'}
end
if redis.call('HEXISTS', K.confirming, holdId) == 1 then
  return {'confirm_in_progress'}
end
local changes = {}
holdRecord.drop(holdId, record, changes)
redis.call('HINCRBY', K.stock, 'returned', 1)
seatRows.apply(changes)
local gen, version = seatVersion.bump(K.seatVersion, K.seatLog, changes)
return {'ok', holdId, changes, gen, version}

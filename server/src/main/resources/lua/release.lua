-- release: frees a hold's seats. Either the holder releases their hold by id, or (holdId "") a
-- visitor who left the flow loses whatever hold they had. A hold being confirmed is left alone.
-- KEYS[1] holds           hash  holdId -> "visitor|expiresAt|seat,seat"
-- KEYS[2] hold-by-visitor hash  visitor -> holdId
-- KEYS[3] hold-seats      hash  seat -> holdId
-- KEYS[4] hold-expiry     zset  holdId -> expiresAt
-- KEYS[5] confirming      hash  holdId -> "reservationId|fenceUntil"
-- KEYS[6] seat-version    hash  gen, n: the seat map's generation and last seat-status version
-- KEYS[7] seat-log        zset  seat -> version of its last status change
-- KEYS[8] rows, KEYS[9] row-meta, KEYS[10] rows-open, KEYS[11] seat-kind (lib/seat_rows)
-- KEYS[12] hold-placement hash holdId -> placement; KEYS[13] standing-held hash section -> places held
-- ARGV[1] holdId, or "" for the visitor's current hold
-- ARGV[2] visitor: the one asking (must be the holder) or the one who left
-- Returns {"ok", holdId, {seat, "free", ...}, gen, version}, or {"none"}, {"not_found"}, {"not_your_hold"},
-- {"confirm_in_progress"}.
--#include seat_version
--#include seat_rows
local holdId, visitor = ARGV[1], ARGV[2]
if holdId == '' then
  holdId = redis.call('HGET', KEYS[2], visitor)
  if not holdId then
    return {'none'}
  end
end
local record = redis.call('HGET', KEYS[1], holdId)
if not record then
  return {'not_found'}
end
local owner, seats = string.match(record, '^([^|]*)|[^|]*|(.*)$')
if owner ~= visitor then
  return {'not_your_hold'}
end
if redis.call('HEXISTS', KEYS[5], holdId) == 1 then
  return {'confirm_in_progress'}
end
local changes = {}
for seat in string.gmatch(seats, '[^,]+') do
  if redis.call('HGET', KEYS[3], seat) == holdId then
    redis.call('HDEL', KEYS[3], seat)
    changes[#changes + 1] = seat
    changes[#changes + 1] = 'free'
  end
end
seatRows.giveBack(KEYS[13], seats)
redis.call('HDEL', KEYS[12], holdId)
redis.call('HDEL', KEYS[1], holdId)
redis.call('ZREM', KEYS[4], holdId)
if redis.call('HGET', KEYS[2], owner) == holdId then
  redis.call('HDEL', KEYS[2], owner)
end
seatRows.apply(KEYS[8], KEYS[9], KEYS[10], KEYS[11], changes)
local gen, version = seatVersion.bump(KEYS[6], KEYS[7], changes)
return {'ok', holdId, changes, gen, version}

-- confirm_begin: checks, at one instant, that a hold is alive, unexpired and the caller's, then
-- fences it: until fenceUntil no expiry, release or replacement can touch it while PostgreSQL
-- records the sale. A retry of a finished confirmation gets the same reservation back.
-- KEYS: the seat keys (lib/seat_keys)
-- ARGV[1] holdId, ARGV[2] visitor, ARGV[3] now (ms), ARGV[4] fenceUntil (ms), ARGV[5] a new reservation id
-- Returns {"confirmed", reservationId, seats} (already done), {"ok", reservationId, seats},
-- {"not_your_hold"} or {"expired"} (no such live hold: expired, released or never made).
--#include seat_keys
--#include seat_rows
--#include hold_record
local holdId, visitor, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local done = redis.call('HGET', K.confirmed, holdId)
if done then
  local reservation, owner, seats = holdRecord.parseConfirmed(done)
  if owner ~= visitor then
    return {'not_your_hold'}
  end
  return {'confirmed', reservation, seats}
end
local record = redis.call('HGET', K.holds, holdId)
if not record then
  return {'expired'}
end
local owner, expiresAt, seats = holdRecord.parse(record)
if owner ~= visitor then
  return {'not_your_hold'}
end
local fence = redis.call('HGET', K.confirming, holdId)
if fence then
  -- a retry while (or after) an attempt was under way: same reservation id, fence renewed
  local reservation = string.match(fence, '^([^|]*)|')
  redis.call('HSET', K.confirming, holdId, reservation .. '|' .. ARGV[4])
  redis.call('ZADD', K.holdExpiry, ARGV[4], holdId)
  return {'ok', reservation, seats}
end
if tonumber(expiresAt) <= now then
  return {'expired'}
end
redis.call('HSET', K.confirming, holdId, ARGV[5] .. '|' .. ARGV[4])
redis.call('ZADD', K.holdExpiry, ARGV[4], holdId)
return {'ok', ARGV[5], seats}

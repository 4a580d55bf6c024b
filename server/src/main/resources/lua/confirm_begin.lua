-- confirm_begin: checks, at one instant, that a hold is alive, unexpired and the caller's, then
-- fences it: until fenceUntil no expiry, release or replacement can touch it while PostgreSQL
-- records the sale. A retry of a finished confirmation gets the same reservation back.
-- KEYS[1] holds       hash  holdId -> "visitor|expiresAt|seat,seat"
-- KEYS[2] hold-expiry zset  holdId -> expiresAt
-- KEYS[3] confirming  hash  holdId -> "reservationId|fenceUntil"
-- KEYS[4] confirmed   hash  holdId -> "reservationId|visitor|seat,seat"
-- ARGV[1] holdId, ARGV[2] visitor, ARGV[3] now (ms), ARGV[4] fenceUntil (ms), ARGV[5] a new reservation id
-- Returns {"confirmed", reservationId, seats} (already done), {"ok", reservationId, seats},
-- {"not_your_hold"} or {"expired"} (no such live hold: expired, released or never made).
local holdId, visitor, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local done = redis.call('HGET', KEYS[4], holdId)
if done then
  local reservation, owner, seats = string.match(done, '^([^|]*)|([^|]*)|(.*)$')
  if owner ~= visitor then
    return {'not_your_hold'}
  end
  return {'confirmed', reservation, seats}
end
local record = redis.call('HGET', KEYS[1], holdId)
if not record then
  return {'expired'}
end
local owner, expiresAt, seats = string.match(record, '^([^|]*)|([^|]*)|(.*)$')
if owner ~= visitor then
  return {'not_your_hold'}
end
local fence = redis.call('HGET', KEYS[3], holdId)
if fence then
  -- a retry while (or after) an attempt was under way: same reservation id, fence renewed
  local reservation = string.match(fence, '^([^|]*)|')
  redis.call('HSET', KEYS[3], holdId, reservation .. '|' .. ARGV[4])
  redis.call('ZADD', KEYS[2], ARGV[4], holdId)
  return {'ok', reservation, seats}
end
if tonumber(expiresAt) <= now then
  return {'expired'}
end
redis.call('HSET', KEYS[3], holdId, ARGV[5] .. '|' .. ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[4], holdId)
return {'ok', ARGV[5], seats}

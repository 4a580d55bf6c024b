-- confirm_end: after PostgreSQL committed the reservation, the seats become sold for good, the hold
-- ends, and the visitor's active slot is freed for the next in line.
-- KEYS[1] holds           hash  holdId -> "visitor|expiresAt|seat,seat"
-- KEYS[2] hold-by-visitor hash  visitor -> holdId
-- KEYS[3] hold-seats      hash  seat -> holdId
-- KEYS[4] hold-expiry     zset  holdId -> expiresAt
-- KEYS[5] confirming      hash  holdId -> "reservationId|fenceUntil"
-- KEYS[6] confirmed       hash  holdId -> "reservationId|visitor|seat,seat"
-- KEYS[7] sold            hash  seat -> reservationId
-- KEYS[8] active          zset  visitor -> activeUntil
-- KEYS[9] gone            hash  visitor -> reason
-- KEYS[10] presence       zset  visitor -> last seen
-- KEYS[11] seat-version   hash  gen, n: the seat map's generation and last seat-status version
-- KEYS[12] seat-log       zset  seat -> version of its last status change
-- KEYS[13] rows, KEYS[14] row-meta, KEYS[15] rows-open, KEYS[16] seat-kind (lib/seat_rows)
-- KEYS[17] hold-placement hash holdId -> placement
-- KEYS[18] standing-held  hash section -> places held; KEYS[19] standing-sold hash section -> places sold
-- ARGV[1] holdId, ARGV[2] reservationId, ARGV[3] visitor, ARGV[4] seats "seat,seat"
-- Returns {{seat, "sold", ...}, gen, version}.
--#include seat_version
--#include seat_rows
local holdId, reservation, visitor = ARGV[1], ARGV[2], ARGV[3]
local changes = {}
for seat in string.gmatch(ARGV[4], '[^,]+') do
  local section, count = seatRows.standing(seat)
  if section then
    -- a standing hold: its places count as sold once (a retry finds it confirmed), and stop
    -- counting as held unless an expiry already gave them back
    if redis.call('HEXISTS', KEYS[6], holdId) == 0 then
      if redis.call('HEXISTS', KEYS[1], holdId) == 1 then
        redis.call('HINCRBY', KEYS[18], section, -count)
      end
      redis.call('HINCRBY', KEYS[19], section, count)
    end
  else
    -- PostgreSQL is the truth: the seat is sold even if a run-out fence let someone else hold it
    redis.call('HSET', KEYS[7], seat, reservation)
    redis.call('HDEL', KEYS[3], seat)
    changes[#changes + 1] = seat
    changes[#changes + 1] = 'sold'
  end
end
redis.call('HDEL', KEYS[1], holdId)
redis.call('HDEL', KEYS[17], holdId)
redis.call('ZREM', KEYS[4], holdId)
redis.call('HDEL', KEYS[5], holdId)
if redis.call('HGET', KEYS[2], visitor) == holdId then
  redis.call('HDEL', KEYS[2], visitor)
end
redis.call('HSET', KEYS[6], holdId, reservation .. '|' .. visitor .. '|' .. ARGV[4])
if redis.call('ZREM', KEYS[8], visitor) == 1 then
  redis.call('HSET', KEYS[9], visitor, 'confirmed')
end
redis.call('ZREM', KEYS[10], visitor)
seatRows.apply(KEYS[13], KEYS[14], KEYS[15], KEYS[16], changes)
local gen, version = seatVersion.bump(KEYS[11], KEYS[12], changes)
return {changes, gen, version}

-- confirm_end: after PostgreSQL committed the reservation, the seats become sold for good, the hold
-- ends, and the visitor's active slot is freed for the next in line.
-- KEYS: the seat keys (lib/seat_keys), then the report's (lib/report.lua)
-- ARGV[1] holdId, ARGV[2] reservationId, ARGV[3] visitor, ARGV[4] seats "seat,seat", ARGV[5..] what was
-- sold as (category, places, price) triples, as PostgreSQL recorded it (the report counts it once)
-- Returns {{seat, "sold", ...}, gen, version}.
--#include seat_keys
--#include seat_version
--#include seat_rows
--#include hold_record
--#include report
local holdId, reservation, visitor = ARGV[1], ARGV[2], ARGV[3]
local changes = {}
for seat in string.gmatch(ARGV[4], '[^,]+') do
  local section, count = seatRows.standing(seat)
  if section then
    -- a standing hold: its places count as sold once (a retry finds it confirmed), and stop
    -- counting as held unless an expiry already gave them back
    if redis.call('HEXISTS', K.confirmed, holdId) == 0 then
      if redis.call('HEXISTS', K.holds, holdId) == 1 then
        redis.call('HINCRBY', K.standingHeld, section, -count)
      end
      redis.call('HINCRBY', K.standingSold, section, count)
    end
  else
    -- PostgreSQL is the truth: the seat is sold even if a run-out fence let someone else hold it
    redis.call('HSET', K.sold, seat, reservation)
    redis.call('HDEL', K.holdSeats, seat)
    changes[#changes + 1] = seat
    changes[#changes + 1] = 'sold'
  end
end
holdRecord.forget(holdId, visitor)
redis.call('HDEL', K.confirming, holdId)
if redis.call('HEXISTS', K.confirmed, holdId) == 0 then
  -- the sale's measured figures (seats per buyer, share of admitted who buy) count each buyer once
  redis.call('HINCRBY', K.stock, 'buyers', 1)
  report.sold(5)
end
redis.call('HSET', K.confirmed, holdId, holdRecord.formatConfirmed(reservation, visitor, ARGV[4]))
if redis.call('ZREM', K.active, visitor) == 1 then
  redis.call('HSET', K.gone, visitor, 'confirmed')
  report.departed(visitor, 'confirmed')
end
redis.call('ZREM', K.presence, visitor)
seatRows.apply(changes)
local gen, version = seatVersion.bump(K.seatVersion, K.seatLog, changes)
return {changes, gen, version}

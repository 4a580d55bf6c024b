-- hold_record (a library, inlined by "--#include hold_record" after seat_keys and seat_rows): the
-- one place that reads and writes a hold record and ends a hold, so release, expiry, a replacing
-- hold and confirmation agree on what a hold is.
-- A hold record (K.holds) is "visitor|expiresAt|seats": seats is "seat,seat" or, for standing
-- places, one token "@section:count". A confirmed record (K.confirmed) is
-- "reservationId|visitor|seats".
local holdRecord = {}

function holdRecord.format(visitor, expiresAt, seats)
  return visitor .. '|' .. expiresAt .. '|' .. seats
end

-- -> visitor, expiresAt, seats
function holdRecord.parse(record)
  return string.match(record, '^([^|]*)|([^|]*)|(.*)$')
end

function holdRecord.formatConfirmed(reservationId, visitor, seats)
  return reservationId .. '|' .. visitor .. '|' .. seats
end

-- -> reservationId, visitor, seats
function holdRecord.parseConfirmed(record)
  return string.match(record, '^([^|]*)|([^|]*)|(.*)$')
end

-- Frees what a hold still holds: each seat of `seats` still held by holdId (a seat a run-out
-- fence let someone else take is theirs) and its standing places. The freed seats go into
-- `changes` as free, except those in `keep` (a replacing hold keeps them held).
function holdRecord.freeSeats(holdId, seats, changes, keep)
  seatRows.giveBack(seats)
  for seat in string.gmatch(seats, '[^,]+') do
    if redis.call('HGET', K.holdSeats, seat) == holdId then
      redis.call('HDEL', K.holdSeats, seat)
      if not (keep and keep[seat]) then
        changes[#changes + 1] = seat
        changes[#changes + 1] = 'free'
      end
    end
  end
end

-- Forgets the hold itself: its record, placement and expiry, and the visitor's pointer to it
-- unless that already names a newer hold.
function holdRecord.forget(holdId, visitor)
  redis.call('HDEL', K.holds, holdId)
  redis.call('HDEL', K.holdPlacement, holdId)
  redis.call('ZREM', K.holdExpiry, holdId)
  if visitor and redis.call('HGET', K.holdByVisitor, visitor) == holdId then
    redis.call('HDEL', K.holdByVisitor, visitor)
  end
end

-- Ends a hold that is not being confirmed: frees its seats and forgets it. Returns its visitor.
function holdRecord.drop(holdId, record, changes, keep)
  local visitor, _, seats = holdRecord.parse(record)
  holdRecord.freeSeats(holdId, seats, changes, keep)
  holdRecord.forget(holdId, visitor)
  return visitor
end

-- Records a new hold of `seats` (a list) for visitor until expiresAt, as the visitor's hold.
function holdRecord.put(holdId, visitor, expiresAt, seats)
  redis.call('HSET', K.holds, holdId, holdRecord.format(visitor, expiresAt, table.concat(seats, ',')))
  redis.call('HSET', K.holdByVisitor, visitor, holdId)
  redis.call('ZADD', K.holdExpiry, expiresAt, holdId)
end

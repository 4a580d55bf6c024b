-- extend: pushes back an admitted visitor's activeUntil, and their hold's expiry, by ARGV[3]
-- seconds, as long as all of the visitor's extensions together stay within maxExtendSeconds; else
-- nothing changes. With an Idempotency-Key, a retry finds the key and extends nothing again. A hold
-- being confirmed keeps its fence (the sale is under way), and a hold already past its time is not
-- brought back. Renews the visitor's presence, as every check of a pass by the site does.
-- KEYS: the seat keys (lib/seat_keys), then
-- KEYS[24] extended    hash    visitor -> seconds extended so far
-- KEYS[25] extend key  string  the activeUntil the keyed extension gave (expires); "" without a key
-- ARGV[1] visitor id
-- ARGV[2] now, epoch ms
-- ARGV[3] seconds, a whole number from 1
-- ARGV[4] maxExtendSeconds, the most seconds a visitor's time may be extended in all (0: never)
-- ARGV[5] how long the key is remembered, ms (0: no key)
-- Returns {"extended", activeUntil, seconds extended in all, holdId or "", the hold's expiresAt or 0},
-- {"again", activeUntil, seconds extended in all} (a retry: nothing changed), {"not_admitted"} (not
-- active now) or {"extend_limit", seconds still allowed}.
--#include seat_keys
--#include seat_rows
--#include hold_record
local extended, extendKey = KEYS[24], KEYS[25]
local visitor, now, seconds = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local most, keyMillis = tonumber(ARGV[4]), tonumber(ARGV[5])
local activeUntil = tonumber(redis.call('ZSCORE', K.active, visitor) or '0')
if activeUntil <= now then
  return {'not_admitted'}
end
local used = tonumber(redis.call('HGET', extended, visitor) or '0')
if keyMillis > 0 and redis.call('EXISTS', extendKey) == 1 then
  return {'again', activeUntil, used}
end
if used + seconds > most then
  return {'extend_limit', math.max(0, most - used)}
end
activeUntil = activeUntil + seconds * 1000
redis.call('ZADD', K.active, 'XX', activeUntil, visitor)
redis.call('ZADD', K.presence, 'GT', now, visitor)
used = redis.call('HINCRBY', extended, visitor, seconds)
local holdId = redis.call('HGET', K.holdByVisitor, visitor)
local holdUntil = 0
if holdId and redis.call('HEXISTS', K.confirming, holdId) == 0 then
  local record = redis.call('HGET', K.holds, holdId)
  if record then
    local owner, expiresAt, seats = holdRecord.parse(record)
    if tonumber(expiresAt) > now then
      holdUntil = tonumber(expiresAt) + seconds * 1000
      redis.call('HSET', K.holds, holdId, holdRecord.format(owner, holdUntil, seats))
      redis.call('ZADD', K.holdExpiry, 'XX', holdUntil, holdId)
    end
  end
end
if keyMillis > 0 then
  redis.call('SET', extendKey, activeUntil, 'PX', keyMillis)
end
if holdUntil == 0 then
  holdId = ''
end
return {'extended', activeUntil, used, holdId, holdUntil}

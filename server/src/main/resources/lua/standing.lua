-- standing: holds `count` places of a standing (general admission) area for an active visitor,
-- never past its capacity: places held plus places sold plus these stay within it. The hold lists
-- the places as one token "@section:count" where a seat hold lists seats, so release, expiry and
-- confirmation treat both alike; it replaces the visitor's hold in the same step. A retry with the
-- same hold id (the same Idempotency-Key) gets the same hold back.
-- KEYS: the seat keys (lib/seat_keys), then the report's (lib/report.lua)
-- ARGV[1] visitor, ARGV[2] holdId, ARGV[3] now (ms), ARGV[4] expiresAt (ms), ARGV[5] section,
-- ARGV[6] count
-- Returns {"ok", changes, replacedHoldId or "", gen, version, places left, expiresAt} or {error,
-- places left}: not_admitted, seats_not_loaded (or no such area), confirm_in_progress, standing_full.
--#include seat_keys
--#include seat_version
--#include seat_rows
--#include hold_record
--#include report
local visitor, holdId, now, expiresAt = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local section, count = ARGV[5], tonumber(ARGV[6])
local token = '@' .. section .. ':' .. count

local activeUntil = redis.call('ZSCORE', K.active, visitor)
if not activeUntil or tonumber(activeUntil) <= now then
  return {'not_admitted', 0}
end
-- the areas are loaded with the map; one the layout has but Redis not is a map not loaded yet
local capacity = redis.call('HGET', K.standing, section)
if not capacity then
  return {'seats_not_loaded', 0}
end
local function left()
  return tonumber(capacity) - tonumber(redis.call('HGET', K.standingHeld, section) or '0')
    - tonumber(redis.call('HGET', K.standingSold, section) or '0')
end
local same = redis.call('HGET', K.holds, holdId)
if same then
  local owner, at, list = holdRecord.parse(same)
  if owner == visitor and list == token then
    local gen, version = seatVersion.bump(K.seatVersion, K.seatLog, {})
    return {'ok', {}, '', gen, version, left(), at}
  end
end
local oldHold = redis.call('HGET', K.holdByVisitor, visitor)
if oldHold and redis.call('HEXISTS', K.confirming, oldHold) == 1 then
  return {'confirm_in_progress', left()}
end
local oldRecord = oldHold and redis.call('HGET', K.holds, oldHold)
local oldSeats = oldRecord and select(3, holdRecord.parse(oldRecord)) or ''
local mine = 0
for t in string.gmatch(oldSeats, '[^,]+') do
  local s, c = seatRows.standing(t)
  if s == section then
    mine = mine + c
  end
end
if count > left() + mine then
  return {'standing_full', left() + mine}
end

local changes = {}
if oldRecord then
  holdRecord.drop(oldHold, oldRecord, changes)
end
redis.call('HINCRBY', K.standingHeld, section, count)
holdRecord.put(holdId, visitor, expiresAt, {token})
report.held(holdId, oldHold, now)
seatRows.apply(changes)
local gen, version = seatVersion.bump(K.seatVersion, K.seatLog, changes)
return {'ok', changes, oldHold or '', gen, version, left(), expiresAt}

-- standing: holds `count` places of a standing (general admission) area for an active visitor,
-- never past its capacity: places held plus places sold plus these stay within it. The hold lists
-- the places as one token "@section:count" where a seat hold lists seats, so release, expiry and
-- confirmation treat both alike; it replaces the visitor's hold in the same step. A retry with the
-- same hold id (the same Idempotency-Key) gets the same hold back.
-- KEYS[1] seats (unused: the areas tell whether the map is loaded)  KEYS[2] holds  KEYS[3] hold-by-visitor  KEYS[4] hold-seats  KEYS[5] hold-expiry
-- KEYS[6] confirming  KEYS[7] active  KEYS[8] seat-version  KEYS[9] seat-log  (as in hold.lua)
-- KEYS[10] rows  KEYS[11] row-meta  KEYS[12] rows-open  KEYS[13] seat-kind  (lib/seat_rows)
-- KEYS[14] hold-placement  hash holdId -> placement
-- KEYS[15] standing        hash section -> capacity
-- KEYS[16] standing-held   hash section -> places held
-- KEYS[17] standing-sold   hash section -> places sold
-- ARGV[1] visitor, ARGV[2] holdId, ARGV[3] now (ms), ARGV[4] expiresAt (ms), ARGV[5] section,
-- ARGV[6] count
-- Returns {"ok", changes, replacedHoldId or "", gen, version, places left, expiresAt} or {error,
-- places left}: not_admitted, seats_not_loaded (or no such area), confirm_in_progress, standing_full.
--#include seat_version
--#include seat_rows
local visitor, holdId, now, expiresAt = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local section, count = ARGV[5], tonumber(ARGV[6])
local token = '@' .. section .. ':' .. count

local activeUntil = redis.call('ZSCORE', KEYS[7], visitor)
if not activeUntil or tonumber(activeUntil) <= now then
  return {'not_admitted', 0}
end
-- the areas are loaded with the map; one the layout has but Redis not is a map not loaded yet
local capacity = redis.call('HGET', KEYS[15], section)
if not capacity then
  return {'seats_not_loaded', 0}
end
local function left()
  return tonumber(capacity) - tonumber(redis.call('HGET', KEYS[16], section) or '0')
    - tonumber(redis.call('HGET', KEYS[17], section) or '0')
end
local same = redis.call('HGET', KEYS[2], holdId)
if same then
  local owner, at, list = string.match(same, '^([^|]*)|([^|]*)|(.*)$')
  if owner == visitor and list == token then
    local gen, version = seatVersion.bump(KEYS[8], KEYS[9], {})
    return {'ok', {}, '', gen, version, left(), at}
  end
end
local oldHold = redis.call('HGET', KEYS[3], visitor)
if oldHold and redis.call('HEXISTS', KEYS[6], oldHold) == 1 then
  return {'confirm_in_progress', left()}
end
local oldRecord = oldHold and redis.call('HGET', KEYS[2], oldHold)
local oldSeats = oldRecord and string.match(oldRecord, '^[^|]*|[^|]*|(.*)$') or ''
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
  seatRows.giveBack(KEYS[16], oldSeats)
  for seat in string.gmatch(oldSeats, '[^,]+') do
    if redis.call('HGET', KEYS[4], seat) == oldHold then
      redis.call('HDEL', KEYS[4], seat)
      changes[#changes + 1] = seat
      changes[#changes + 1] = 'free'
    end
  end
  redis.call('HDEL', KEYS[2], oldHold)
  redis.call('HDEL', KEYS[14], oldHold)
  redis.call('ZREM', KEYS[5], oldHold)
end
redis.call('HINCRBY', KEYS[16], section, count)
redis.call('HSET', KEYS[2], holdId, visitor .. '|' .. expiresAt .. '|' .. token)
redis.call('HSET', KEYS[3], visitor, holdId)
redis.call('ZADD', KEYS[5], expiresAt, holdId)
seatRows.apply(KEYS[10], KEYS[11], KEYS[12], KEYS[13], changes)
local gen, version = seatVersion.bump(KEYS[8], KEYS[9], changes)
return {'ok', changes, oldHold or '', gen, version, left(), expiresAt}

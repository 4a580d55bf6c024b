-- hold: holds all the requested seats for an active visitor, or none. A visitor has one hold per
-- event: a new hold replaces the old one in the same step (seats in both stay held).
-- KEYS: the seat keys (lib/seat_keys), then the report's (lib/report.lua)
-- ARGV[1] visitor, ARGV[2] new holdId, ARGV[3] now (ms), ARGV[4] expiresAt (ms), ARGV[5..] seat ids
-- Returns {"ok", {seat, status, ...changes}, replacedHoldId or "", gen, version} or {error, {seats}}:
-- the changes carry the one version this step gave them. Errors are
-- not_admitted, seats_not_loaded, unknown_seats, seats_unavailable, confirm_in_progress and
-- companion_without_wheelchair (a companion seat asked for without the wheelchair seat next to it).
--#include seat_keys
--#include seat_version
--#include seat_rows
--#include hold_record
--#include report
local visitor, holdId, now, expiresAt = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]

local activeUntil = redis.call('ZSCORE', K.active, visitor)
if not activeUntil or tonumber(activeUntil) <= now then
  return {'not_admitted', {}}
end
-- the rows index is loaded with the seats: without it the accessible marks are not known yet
if redis.call('EXISTS', K.seats) == 0 or redis.call('EXISTS', K.rowMeta) == 0 then
  return {'seats_not_loaded', {}}
end
local unknown = {}
for i = 5, #ARGV do
  if redis.call('SISMEMBER', K.seats, ARGV[i]) == 0 then
    unknown[#unknown + 1] = ARGV[i]
  end
end
if #unknown > 0 then
  return {'unknown_seats', unknown}
end

local asked = {}
for i = 5, #ARGV do
  asked[ARGV[i]] = true
end
local alone = {}
for i = 5, #ARGV do
  if redis.call('HGET', K.seatKind, ARGV[i]) == 'c' then
    local row, n = seatRows.split(ARGV[i])
    local left, right = row .. '-' .. (n - 1), row .. '-' .. (n + 1)
    if not ((asked[left] and redis.call('HGET', K.seatKind, left) == 'w')
        or (asked[right] and redis.call('HGET', K.seatKind, right) == 'w')) then
      alone[#alone + 1] = ARGV[i]
    end
  end
end
if #alone > 0 then
  return {'companion_without_wheelchair', alone}
end

local oldHold = redis.call('HGET', K.holdByVisitor, visitor)
if oldHold and redis.call('HEXISTS', K.confirming, oldHold) == 1 then
  return {'confirm_in_progress', {}}
end
local taken = {}
for i = 5, #ARGV do
  local seat = ARGV[i]
  local holder = redis.call('HGET', K.holdSeats, seat)
  if redis.call('HEXISTS', K.sold, seat) == 1 or (holder and holder ~= oldHold) then
    taken[#taken + 1] = seat
  end
end
if #taken > 0 then
  return {'seats_unavailable', taken}
end

local wanted = asked
local changes = {}
if oldHold then
  local record = redis.call('HGET', K.holds, oldHold)
  if record then
    holdRecord.drop(oldHold, record, changes, wanted)
  else
    holdRecord.forget(oldHold)
  end
end
local list = {}
for i = 5, #ARGV do
  redis.call('HSET', K.holdSeats, ARGV[i], holdId)
  list[#list + 1] = ARGV[i]
  changes[#changes + 1] = ARGV[i]
  changes[#changes + 1] = 'held'
end
holdRecord.put(holdId, visitor, expiresAt, list)
report.held(holdId, oldHold, now)
seatRows.apply(changes)
local gen, version = seatVersion.bump(K.seatVersion, K.seatLog, changes)
return {'ok', changes, oldHold or '', gen, version}

-- hold: holds all the requested seats for an active visitor, or none. A visitor has one hold per
-- event: a new hold replaces the old one in the same step (seats in both stay held).
-- KEYS[1] seats           set   seat ids of the map
-- KEYS[2] sold            hash  seat -> reservationId
-- KEYS[3] holds           hash  holdId -> "visitor|expiresAt|seat,seat"
-- KEYS[4] hold-by-visitor hash  visitor -> holdId
-- KEYS[5] hold-seats      hash  seat -> holdId
-- KEYS[6] hold-expiry     zset  holdId -> expiresAt (epoch ms)
-- KEYS[7] confirming      hash  holdId -> "reservationId|fenceUntil"
-- KEYS[8] active          zset  visitor -> activeUntil (the queue's admitted set)
-- KEYS[9] seat-version    hash  gen, n: the seat map's generation and last seat-status version
-- KEYS[10] seat-log       zset  seat -> version of its last status change
-- KEYS[11] rows          hash  row -> seat characters (lib/seat_rows)
-- KEYS[12] row-meta      hash  row -> "rank|category|load"
-- KEYS[13] rows-open     zset  row -> rank
-- KEYS[14] seat-kind     hash  seat -> 'w' (wheelchair) or 'c' (companion)
-- KEYS[15] hold-placement hash holdId -> placement of a best-available hold
-- KEYS[16] standing-held hash  section -> standing places held
-- ARGV[1] visitor, ARGV[2] new holdId, ARGV[3] now (ms), ARGV[4] expiresAt (ms), ARGV[5..] seat ids
-- Returns {"ok", {seat, status, ...changes}, replacedHoldId or "", gen, version} or {error, {seats}}:
-- the changes carry the one version this step gave them. Errors are
-- not_admitted, seats_not_loaded, unknown_seats, seats_unavailable, confirm_in_progress and
-- companion_without_wheelchair (a companion seat asked for without the wheelchair seat next to it).
--#include seat_version
--#include seat_rows
local visitor, holdId, now, expiresAt = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]

local activeUntil = redis.call('ZSCORE', KEYS[8], visitor)
if not activeUntil or tonumber(activeUntil) <= now then
  return {'not_admitted', {}}
end
-- the rows index is loaded with the seats: without it the accessible marks are not known yet
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[12]) == 0 then
  return {'seats_not_loaded', {}}
end
local unknown = {}
for i = 5, #ARGV do
  if redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 0 then
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
  if redis.call('HGET', KEYS[14], ARGV[i]) == 'c' then
    local row, n = seatRows.split(ARGV[i])
    local left, right = row .. '-' .. (n - 1), row .. '-' .. (n + 1)
    if not ((asked[left] and redis.call('HGET', KEYS[14], left) == 'w')
        or (asked[right] and redis.call('HGET', KEYS[14], right) == 'w')) then
      alone[#alone + 1] = ARGV[i]
    end
  end
end
if #alone > 0 then
  return {'companion_without_wheelchair', alone}
end

local oldHold = redis.call('HGET', KEYS[4], visitor)
if oldHold and redis.call('HEXISTS', KEYS[7], oldHold) == 1 then
  return {'confirm_in_progress', {}}
end
local taken = {}
for i = 5, #ARGV do
  local seat = ARGV[i]
  local holder = redis.call('HGET', KEYS[5], seat)
  if redis.call('HEXISTS', KEYS[2], seat) == 1 or (holder and holder ~= oldHold) then
    taken[#taken + 1] = seat
  end
end
if #taken > 0 then
  return {'seats_unavailable', taken}
end

local wanted = asked
local changes = {}
if oldHold then
  local record = redis.call('HGET', KEYS[3], oldHold)
  if record then
    local oldSeats = string.match(record, '^[^|]*|[^|]*|(.*)$')
    seatRows.giveBack(KEYS[16], oldSeats)
    for seat in string.gmatch(oldSeats, '[^,]+') do
      redis.call('HDEL', KEYS[5], seat)
      if not wanted[seat] then
        changes[#changes + 1] = seat
        changes[#changes + 1] = 'free'
      end
    end
  end
  redis.call('HDEL', KEYS[3], oldHold)
  redis.call('HDEL', KEYS[15], oldHold)
  redis.call('ZREM', KEYS[6], oldHold)
end
local list = {}
for i = 5, #ARGV do
  redis.call('HSET', KEYS[5], ARGV[i], holdId)
  list[#list + 1] = ARGV[i]
  changes[#changes + 1] = ARGV[i]
  changes[#changes + 1] = 'held'
end
redis.call('HSET', KEYS[3], holdId, visitor .. '|' .. expiresAt .. '|' .. table.concat(list, ','))
redis.call('HSET', KEYS[4], visitor, holdId)
redis.call('ZADD', KEYS[6], expiresAt, holdId)
seatRows.apply(KEYS[11], KEYS[12], KEYS[13], KEYS[14], changes)
local gen, version = seatVersion.bump(KEYS[9], KEYS[10], changes)
return {'ok', changes, oldHold or '', gen, version}

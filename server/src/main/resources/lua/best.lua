-- best: holds the best `count` free seats for an active visitor, read from the rows index (one
-- string per row, rows in rank order) rather than seat by seat, replacing the visitor's hold in the
-- same step. The order of preference, each step tried over the whole scope before the next:
--   together        count adjacent seats in one row, leaving no single free seat stranded between
--                   taken seats or a taken seat and the row's end (the no-orphan rule)
--   split           ceil(count/2) and the rest in two adjacent rows of one section, no orphan
--   orphan_allowed  together, then split, where only a stranded seat makes them fit
-- Rows are tried in rank order (sections in their rank, rows front to back), and within a row the
-- placement nearest the row's centre. With a section asked for, the steps run in it first and then
-- in the other sections (otherSection). Ordinary requests never take accessible seats; a request
-- for `wheelchair` takes a wheelchair seat and the seats next to it (companion seats only next to
-- a wheelchair seat of the hold), together in one row. A retry with the same hold id (the same
-- Idempotency-Key) gets the same hold back.
-- KEYS: the seat keys (lib/seat_keys), then the report's (lib/report.lua)
-- ARGV[1] visitor, ARGV[2] holdId, ARGV[3] now (ms), ARGV[4] expiresAt (ms), ARGV[5] count,
-- ARGV[6] category ("" any), ARGV[7] section ("" any), ARGV[8] accessible ("" or "wheelchair")
-- Returns {"ok", changes, replacedHoldId or "", gen, version, {seats}, placement, expiresAt,
-- otherSection 0/1} or {error}: not_admitted, seats_not_loaded, confirm_in_progress,
-- not_enough_seats, index_stale (ask again).
--#include seat_keys
--#include seat_version
--#include seat_rows
--#include hold_record
--#include report
local visitor, holdId, now, expiresAt = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local count, category, section, accessible = tonumber(ARGV[5]), ARGV[6], ARGV[7], ARGV[8]

local activeUntil = redis.call('ZSCORE', K.active, visitor)
if not activeUntil or tonumber(activeUntil) <= now then
  return {'not_admitted'}
end
if redis.call('EXISTS', K.seats) == 0 or redis.call('EXISTS', K.rowMeta) == 0 then
  return {'seats_not_loaded'}
end
local same = redis.call('HGET', K.holds, holdId)
if same then
  local owner, at, list = holdRecord.parse(same)
  local placed = redis.call('HGET', K.holdPlacement, holdId)
  if owner == visitor and placed then
    local seats = {}
    for seat in string.gmatch(list, '[^,]+') do
      seats[#seats + 1] = seat
    end
    local gen, version = seatVersion.bump(K.seatVersion, K.seatLog, {})
    local p, other = string.match(placed, '^([^|]*)|(.*)$')
    return {'ok', {}, '', gen, version, seats, p, at, tonumber(other)}
  end
end
local oldHold = redis.call('HGET', K.holdByVisitor, visitor)
if oldHold and redis.call('HEXISTS', K.confirming, oldHold) == 1 then
  return {'confirm_in_progress'}
end

-- the old hold's seats count as free for the new placement: taken out of the index for the
-- search, put back if nothing fits
local oldSeats = {}
local oldRecord = oldHold and redis.call('HGET', K.holds, oldHold)
if oldRecord then
  local _, _, seats = holdRecord.parse(oldRecord)
  for seat in string.gmatch(seats, '[^,]+') do
    if redis.call('HGET', K.holdSeats, seat) == oldHold then
      oldSeats[#oldSeats + 1] = seat
    end
  end
end
local function mark(list, status)
  local changes = {}
  for _, seat in ipairs(list) do
    changes[#changes + 1] = seat
    changes[#changes + 1] = status
  end
  seatRows.apply(changes)
end
for _, seat in ipairs(oldSeats) do
  redis.call('HDEL', K.holdSeats, seat)
end
mark(oldSeats, 'free')

local function centreOf(s)
  local first = string.find(s, '[^-]')
  local last = #s - string.find(string.reverse(s), '[^-]') + 1
  return (first + last) / 2
end

-- The start of the best window of n free ordinary seats in row string s (nearest the centre),
-- or nil; with orphans false, no window that leaves one free seat alone at either side.
local function together(s, n, orphans)
  local centre = centreOf(s)
  local best, bestDistance
  local pos = 1
  while true do
    local a, b = string.find(s, '0+', pos)
    if not a then
      break
    end
    if b - a + 1 >= n then
      local lo, hi = a, b - n + 1
      local ideal = math.floor(centre - (n - 1) / 2 + 0.5)
      for _, i in ipairs({ideal, ideal - 1, ideal + 1, ideal - 2, ideal + 2, lo, hi}) do
        i = math.max(lo, math.min(hi, i))
        if orphans or (i - a ~= 1 and b - (i + n - 1) ~= 1) then
          local distance = math.abs(i + (n - 1) / 2 - centre)
          if not best or distance < bestDistance then
            best, bestDistance = i, distance
          end
        end
      end
    end
    pos = b + 1
  end
  return best
end

-- A window of n free seats with a wheelchair seat, whose companion seats each sit next to a
-- wheelchair seat of the window; nearest the centre.
local function wheelchair(s, n)
  if not string.find(s, 'w', 1, true) then
    return nil
  end
  local centre = centreOf(s)
  local best, bestDistance
  for i = 1, #s - n + 1 do
    local w = string.sub(s, i, i + n - 1)
    if string.find(w, 'w', 1, true) and not string.find(w, '[^0wc]') then
      local ok = true
      for j = 1, n do
        if string.sub(w, j, j) == 'c' and string.sub(w, j - 1, j - 1) ~= 'w' and string.sub(w, j + 1, j + 1) ~= 'w' then
          ok = false
        end
      end
      local distance = math.abs(i + (n - 1) / 2 - centre)
      if ok and (not best or distance < bestDistance) then
        best, bestDistance = i, distance
      end
    end
  end
  return best
end

local function ids(row, start, n, into)
  for k = start, start + n - 1 do
    into[#into + 1] = row .. '-' .. k
  end
  return into
end

local function allowed(row, meta, inSection)
  if category ~= '' and string.match(meta, '^[^|]*|([^|]*)|') ~= category then
    return false
  end
  if section ~= '' then
    local prefix = section .. '-'
    local mine = string.sub(row, 1, #prefix) == prefix and not string.find(row, '-', #prefix + 1, true)
    return mine == inSection
  end
  return true
end

-- Runs try(row, string) over the open rows in rank order, 200 rows a read, until it places seats.
local function scan(try, inSection)
  local offset = 0
  while true do
    local batch = redis.call('ZRANGE', K.rowsOpen, offset, offset + 199)
    if #batch == 0 then
      return nil
    end
    local strings = redis.call('HMGET', K.rows, unpack(batch))
    local metas = redis.call('HMGET', K.rowMeta, unpack(batch))
    for i, row in ipairs(batch) do
      if strings[i] and metas[i] and allowed(row, metas[i], inSection) then
        local seats = try(row, strings[i])
        if seats then
          return seats
        end
      end
    end
    offset = offset + 200
  end
end

local function step(kind, orphans)
  return function(row, s)
    if kind == 'wheelchair' then
      local i = wheelchair(s, count)
      return i and ids(row, i, count, {})
    end
    if kind == 'together' then
      local i = together(s, count, orphans)
      return i and ids(row, i, count, {})
    end
    -- split: the larger half here, the rest in the next row of the same section
    local first = math.ceil(count / 2)
    local i = together(s, first, orphans)
    if not i then
      return nil
    end
    local sec, number = string.match(row, '^(.+)-(%d+)$')
    local nextRow = sec .. '-' .. (tonumber(number) + 1)
    local nextString = redis.call('HGET', K.rows, nextRow)
    local nextMeta = redis.call('HGET', K.rowMeta, nextRow)
    if not nextString or not nextMeta or (category ~= '' and string.match(nextMeta, '^[^|]*|([^|]*)|') ~= category) then
      return nil
    end
    local j = together(nextString, count - first, orphans)
    return j and ids(nextRow, j, count - first, ids(row, i, first, {}))
  end
end

local steps
if accessible == 'wheelchair' then
  steps = {{'wheelchair', 'together', false}}
elseif count == 1 then
  steps = {{'together', 'together', false}, {'together', 'orphan_allowed', true}}
else
  steps = {{'together', 'together', false}, {'split', 'split', false},
    {'together', 'orphan_allowed', true}, {'split', 'orphan_allowed', true}}
end

local chosen, placement, otherSection
for _, inSection in ipairs(section ~= '' and {true, false} or {true}) do
  for _, s in ipairs(steps) do
    chosen = scan(step(s[1], s[3]), inSection)
    if chosen then
      placement = s[2]
      otherSection = inSection and 0 or 1
      break
    end
  end
  if chosen then
    break
  end
end

if not chosen then
  for _, seat in ipairs(oldSeats) do
    redis.call('HSET', K.holdSeats, seat, oldHold)
  end
  mark(oldSeats, 'held')
  return {'not_enough_seats'}
end

-- the index is the statuses' shadow and the statuses have the last word: a seat the index had
-- wrong is put right and the caller asks again (never seen; a guard, not a path)
for _, seat in ipairs(chosen) do
  if redis.call('SISMEMBER', K.seats, seat) == 0 or redis.call('HEXISTS', K.sold, seat) == 1
      or redis.call('HEXISTS', K.holdSeats, seat) == 1 then
    for _, old in ipairs(oldSeats) do
      redis.call('HSET', K.holdSeats, old, oldHold)
    end
    mark(oldSeats, 'held')
    mark({seat}, redis.call('HEXISTS', K.sold, seat) == 1 and 'sold' or 'held')
    return {'index_stale'}
  end
end

local changes = {}
local wanted = {}
for _, seat in ipairs(chosen) do
  wanted[seat] = true
end
if oldRecord then
  -- the old hold's seats already left hold-seats for the search: only the changes and the record remain
  local _, _, seats = holdRecord.parse(oldRecord)
  seatRows.giveBack(seats)
  for _, seat in ipairs(oldSeats) do
    if not wanted[seat] then
      changes[#changes + 1] = seat
      changes[#changes + 1] = 'free'
    end
  end
  holdRecord.forget(oldHold)
end
for _, seat in ipairs(chosen) do
  redis.call('HSET', K.holdSeats, seat, holdId)
  changes[#changes + 1] = seat
  changes[#changes + 1] = 'held'
end
mark(chosen, 'held')
holdRecord.put(holdId, visitor, expiresAt, chosen)
report.held(holdId, oldHold, now)
redis.call('HSET', K.holdPlacement, holdId, placement .. '|' .. otherSection)
local gen, version = seatVersion.bump(K.seatVersion, K.seatLog, changes)
return {'ok', changes, oldHold or '', gen, version, chosen, placement, expiresAt, otherSection}

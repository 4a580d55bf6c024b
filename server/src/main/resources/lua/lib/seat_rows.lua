-- seat_rows (a library, inlined by "--#include seat_rows" after seat_keys): the rows index that
-- best available reads instead of scanning seats, and the stock counts the line is told, both kept
-- in step with seat statuses by every script that changes one, in the same atomic step; and
-- standing places, which a hold names by a token "@section:count" in its seat list (no seat has an
-- id starting with '@').
-- K.rows      hash  row ("A-3") -> one character per seat number: '0' free, 'w' free wheelchair
--                   seat, 'c' free companion seat, 'h' held, 's' sold, '-' no seat with that number
-- K.rowMeta   hash  row -> "rank|category|load id"
-- K.rowsOpen  zset  row -> rank, the rows with at least one free seat
-- K.seatKind  hash  seat -> 'w' or 'c' (accessible seats)
-- K.stock     hash  "free:<category>", "held:<category>", "sold:<category>" -> seats of the rows
--                   index in that state ("" is the category of seats without one)
-- A row the index does not have yet (a load under way) is left alone: the load reads it from the
-- statuses when it gets there.
local seatRows = {}

local CHAR = {held = 'h', sold = 's'}

-- "A-3-12" -> "A-3", 12
function seatRows.split(seat)
  local row, n = string.match(seat, '^(.+)-(%d+)$')
  return row, tonumber(n)
end

-- "@Floor:3" -> "Floor", 3; nil for a seat id
function seatRows.standing(token)
  local section, count = string.match(token, '^@([^:]+):(%d+)$')
  return section, tonumber(count)
end

-- The category of a row's meta ("rank|category|load id").
function seatRows.category(meta)
  return string.match(meta, '^[^|]*|([^|]*)|')
end

local function counted(s, class)
  local _, n = string.gsub(s, class, '')
  return n
end

-- Moves a row's seats in the stock counts of its category from what `before` shows to what
-- `after` shows (either may be false: a row that appears or goes).
function seatRows.restock(category, before, after)
  for state, class in pairs({free = '[0wc]', held = 'h', sold = 's'}) do
    local delta = (after and counted(after, class) or 0) - (before and counted(before, class) or 0)
    if delta ~= 0 then
      redis.call('HINCRBY', K.stock, state .. ':' .. category, delta)
    end
  end
end

-- Keeps a row in or out of the open set after its string changed.
function seatRows.reopen(meta, row, s)
  if string.find(s, '[0wc]') then
    redis.call('ZADD', K.rowsOpen, tonumber(string.match(meta, '^([^|]*)')), row)
  else
    redis.call('ZREM', K.rowsOpen, row)
  end
end

-- The character a seat shows for a status: its kind when free, else held or sold.
function seatRows.char(seat, status)
  if status == 'free' then
    return redis.call('HGET', K.seatKind, seat) or '0'
  end
  return CHAR[status]
end

-- Applies one step's changes {seat, status, ...} to the rows they are in and to the stock.
function seatRows.apply(changes)
  local touched = {}
  local before = {}
  for i = 1, #changes, 2 do
    local row, n = seatRows.split(changes[i])
    if row then
      local s = touched[row]
      if s == nil then
        s = redis.call('HGET', K.rows, row) or false
        before[row] = s
      end
      if s and n <= #s and string.sub(s, n, n) ~= '-' then
        s = string.sub(s, 1, n - 1) .. seatRows.char(changes[i], changes[i + 1]) .. string.sub(s, n + 1)
      end
      touched[row] = s
    end
  end
  for row, s in pairs(touched) do
    if s and s ~= before[row] then
      redis.call('HSET', K.rows, row, s)
      local meta = redis.call('HGET', K.rowMeta, row)
      if meta then
        seatRows.reopen(meta, row, s)
        seatRows.restock(seatRows.category(meta), before[row], s)
      end
    end
  end
end

-- Gives back the standing places of a hold's seat list ("seat,seat" or "@Floor:3").
function seatRows.giveBack(seats)
  for token in string.gmatch(seats, '[^,]+') do
    local section, count = seatRows.standing(token)
    if section then
      redis.call('HINCRBY', K.standingHeld, section, -count)
    end
  end
end

-- seat_rows (a library, inlined by "--#include seat_rows"): the rows index that best available
-- reads instead of scanning seats, kept in step with seat statuses by every script that changes
-- one, in the same atomic step; and standing places, which a hold names by a token "@section:count"
-- in its seat list (no seat has an id starting with '@').
-- rowsKey  hash  row ("A-3") -> one character per seat number: '0' free, 'w' free wheelchair seat,
--                'c' free companion seat, 'x' held or sold, '-' no seat with that number
-- metaKey  hash  row -> "rank|category|load id"
-- openKey  zset  row -> rank, the rows with at least one free seat
-- kindKey  hash  seat -> 'w' or 'c' (accessible seats)
-- A row the index does not have yet (a load under way) is left alone: the load reads it from the
-- statuses when it gets there.
local seatRows = {}

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

-- Keeps a row in or out of the open set after its string changed.
function seatRows.reopen(metaKey, openKey, row, s)
  if string.find(s, '[0wc]') then
    local meta = redis.call('HGET', metaKey, row)
    if meta then
      redis.call('ZADD', openKey, tonumber(string.match(meta, '^([^|]*)')), row)
    end
  else
    redis.call('ZREM', openKey, row)
  end
end

-- Applies one step's changes {seat, status, ...} to the rows they are in.
function seatRows.apply(rowsKey, metaKey, openKey, kindKey, changes)
  local touched = {}
  for i = 1, #changes, 2 do
    local row, n = seatRows.split(changes[i])
    if row then
      local s = touched[row]
      if s == nil then
        s = redis.call('HGET', rowsKey, row) or false
      end
      if s and n <= #s and string.sub(s, n, n) ~= '-' then
        local ch = 'x'
        if changes[i + 1] == 'free' then
          ch = redis.call('HGET', kindKey, changes[i]) or '0'
        end
        s = string.sub(s, 1, n - 1) .. ch .. string.sub(s, n + 1)
      end
      touched[row] = s
    end
  end
  for row, s in pairs(touched) do
    if s then
      redis.call('HSET', rowsKey, row, s)
      seatRows.reopen(metaKey, openKey, row, s)
    end
  end
end

-- Gives back the standing places of a hold's seat list ("seat,seat" or "@Floor:3").
function seatRows.giveBack(standingHeldKey, seats)
  for token in string.gmatch(seats, '[^,]+') do
    local section, count = seatRows.standing(token)
    if section then
      redis.call('HINCRBY', standingHeldKey, section, -count)
    end
  end
end

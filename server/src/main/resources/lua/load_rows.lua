-- load_rows: builds the rows index of an event's map (lib/seat_rows) and its stock counts from its
-- layout, a chunk of whole rows at a time, each row read from the seat statuses at that instant: a
-- hold made between two chunks has already changed the rows written before it and is read by the
-- rows after it, so nothing is lost while a load runs. The last chunk drops the rows of an older
-- layout and sets the standing areas. Loads of one layout racing on several nodes write the same
-- rows, and the stock counts follow each row's change, so they stay exact.
-- KEYS: the seat keys (lib/seat_keys)
-- ARGV[1] "more" or "last", ARGV[2] the layout's token, ARGV[3] how many rows follow, then for each
-- row: row ("A-3"), rank, category ("" none), pattern (a character per seat number: '0' seat,
-- 'w' wheelchair seat, 'c' companion seat, '-' no such number); then (last chunk) for each standing
-- area: section, capacity, places sold as PostgreSQL has them.
-- Returns the number of rows in the index.
--#include seat_keys
--#include seat_rows
local layout = ARGV[2]
local n = tonumber(ARGV[3])

-- a row leaves the stock of the category its old meta gave it
local function unstock(row, s)
  local meta = redis.call('HGET', K.rowMeta, row)
  if s and meta then
    seatRows.restock(seatRows.category(meta), s, false)
  end
end

for i = 4, 3 + 4 * n, 4 do
  local row, rank, category, pattern = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local before = redis.call('HGET', K.rows, row)
  local out = {}
  for k = 1, #pattern do
    local ch = string.sub(pattern, k, k)
    if ch ~= '-' then
      local seat = row .. '-' .. k
      if ch == 'w' or ch == 'c' then
        redis.call('HSET', K.seatKind, seat, ch)
      elseif before and string.find(string.sub(before, k, k), '[^0%-]') then
        redis.call('HDEL', K.seatKind, seat)
      end
      if redis.call('HEXISTS', K.sold, seat) == 1 then
        ch = 's'
      elseif redis.call('HEXISTS', K.holdSeats, seat) == 1 then
        ch = 'h'
      end
    end
    out[k] = ch
  end
  local s = table.concat(out)
  unstock(row, before)
  local meta = rank .. '|' .. category .. '|' .. layout
  redis.call('HSET', K.rows, row, s)
  redis.call('HSET', K.rowMeta, row, meta)
  seatRows.restock(category, false, s)
  seatRows.reopen(meta, row, s)
end
if ARGV[1] == 'last' then
  local meta = redis.call('HGETALL', K.rowMeta)
  for i = 1, #meta, 2 do
    if string.match(meta[i + 1], '|([^|]*)$') ~= layout then
      local row = meta[i]
      local s = redis.call('HGET', K.rows, row) or ''
      for k = 1, #s do
        if string.find(string.sub(s, k, k), '[wc]') then
          redis.call('HDEL', K.seatKind, row .. '-' .. k)
        end
      end
      unstock(row, s)
      redis.call('HDEL', K.rows, row)
      redis.call('HDEL', K.rowMeta, row)
      redis.call('ZREM', K.rowsOpen, row)
    end
  end
  redis.call('DEL', K.standing)
  for i = 4 + 4 * n, #ARGV, 3 do
    redis.call('HSET', K.standing, ARGV[i], ARGV[i + 1])
    -- sales never revert: PostgreSQL may know more than Redis (a lost Redis), never less
    if tonumber(redis.call('HGET', K.standingSold, ARGV[i]) or '0') < tonumber(ARGV[i + 2]) then
      redis.call('HSET', K.standingSold, ARGV[i], ARGV[i + 2])
    end
  end
  return redis.call('HLEN', K.rows)
end
return 0

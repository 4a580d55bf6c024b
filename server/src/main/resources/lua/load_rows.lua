-- load_rows: builds the rows index of an event's map (lib/seat_rows) from its layout, a chunk of
-- whole rows at a time, each row read from the seat statuses at that instant: a hold made between
-- two chunks has already changed the rows written before it and is read by the rows after it, so
-- nothing is lost while a load runs. The last chunk drops the rows of an older layout and sets the
-- standing areas. Loads of one layout racing on several nodes write the same rows.
-- KEYS[1] rows  KEYS[2] row-meta  KEYS[3] rows-open  KEYS[4] seat-kind
-- KEYS[5] hold-seats  hash seat -> holdId
-- KEYS[6] sold        hash seat -> reservationId
-- KEYS[7] standing    hash section -> capacity
-- KEYS[8] standing-sold hash section -> places sold
-- ARGV[1] "more" or "last", ARGV[2] the layout's token, ARGV[3] how many rows follow, then for each
-- row: row ("A-3"), rank, category ("" none), pattern (a character per seat number: '0' seat,
-- 'w' wheelchair seat, 'c' companion seat, '-' no such number); then (last chunk) for each standing
-- area: section, capacity, places sold as PostgreSQL has them.
-- Returns the number of rows in the index.
--#include seat_rows
local layout = ARGV[2]
local n = tonumber(ARGV[3])
for i = 4, 3 + 4 * n, 4 do
  local row, rank, category, pattern = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local before = redis.call('HGET', KEYS[1], row)
  local out = {}
  for k = 1, #pattern do
    local ch = string.sub(pattern, k, k)
    if ch ~= '-' then
      local seat = row .. '-' .. k
      if ch == 'w' or ch == 'c' then
        redis.call('HSET', KEYS[4], seat, ch)
      elseif before and string.find(string.sub(before, k, k), '[wcx]') then
        redis.call('HDEL', KEYS[4], seat)
      end
      if redis.call('HEXISTS', KEYS[6], seat) == 1 or redis.call('HEXISTS', KEYS[5], seat) == 1 then
        ch = 'x'
      end
    end
    out[k] = ch
  end
  local s = table.concat(out)
  redis.call('HSET', KEYS[1], row, s)
  redis.call('HSET', KEYS[2], row, rank .. '|' .. category .. '|' .. layout)
  seatRows.reopen(KEYS[2], KEYS[3], row, s)
end
if ARGV[1] == 'last' then
  local meta = redis.call('HGETALL', KEYS[2])
  for i = 1, #meta, 2 do
    if string.match(meta[i + 1], '|([^|]*)$') ~= layout then
      local row = meta[i]
      local s = redis.call('HGET', KEYS[1], row) or ''
      for k = 1, #s do
        if string.find(string.sub(s, k, k), '[wc]') then
          redis.call('HDEL', KEYS[4], row .. '-' .. k)
        end
      end
      redis.call('HDEL', KEYS[1], row)
      redis.call('HDEL', KEYS[2], row)
      redis.call('ZREM', KEYS[3], row)
    end
  end
  redis.call('DEL', KEYS[7])
  for i = 4 + 4 * n, #ARGV, 3 do
    redis.call('HSET', KEYS[7], ARGV[i], ARGV[i + 1])
    -- sales never revert: PostgreSQL may know more than Redis (a lost Redis), never less
    if tonumber(redis.call('HGET', KEYS[8], ARGV[i]) or '0') < tonumber(ARGV[i + 2]) then
      redis.call('HSET', KEYS[8], ARGV[i], ARGV[i + 2])
    end
  end
  return redis.call('HLEN', KEYS[1])
end
return 0

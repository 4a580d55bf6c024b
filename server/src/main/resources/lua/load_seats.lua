-- load_seats: builds an event's seat set from PostgreSQL in chunks, then swaps it in at once, so
-- holds never see a half-loaded map. Each load builds under its own key, so loads racing on several
-- nodes cannot mix. Sold seats are added to the sold hash (a sale never reverts). The swap starts a
-- new seat-map generation only when it changed something: other seats, or sales Redis had lost (or
-- no generation yet). Every node loads every map at start and after each admin change, and an
-- unchanged map must not send every open seat page back for the whole map.
-- KEYS[1] seats:loading:{load id} set   the map being built by this load
-- KEYS[2] seats         set   the map in use
-- KEYS[3] sold          hash  seat -> reservationId
-- KEYS[4] seat-version  hash  gen, n: the seat map's generation and last seat-status version
-- KEYS[5] seat-log      zset  seat -> version of its last status change in this generation
-- ARGV[1] "first", "more" or "last" chunk
-- ARGV[2] the generation id this load starts if it changes the map (read by the last chunk)
-- ARGV[3] how many seat ids follow; then the seat ids; then seat, reservationId pairs for sold seats
-- Returns the size of the map once swapped in (last chunk), else 0.
if ARGV[1] == 'first' then
  redis.call('DEL', KEYS[1])
  -- an abandoned load (its node died mid-way) must not linger
  redis.call('EXPIRE', KEYS[1], 300)
end
local n = tonumber(ARGV[3])
for i = 4, 3 + n, 1000 do
  redis.call('SADD', KEYS[1], unpack(ARGV, i, math.min(3 + n, i + 999)))
end
local newSales = 0
for i = 4 + n, #ARGV, 2 do
  newSales = newSales + redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
end
if ARGV[1] == 'last' then
  local changed = newSales > 0 or redis.call('HEXISTS', KEYS[4], 'gen') == 0
  if redis.call('EXISTS', KEYS[1]) == 1 then
    if not changed then
      local size = redis.call('SCARD', KEYS[1])
      -- equal sizes and nothing in one that is not in the other; SDIFF rather than SINTERCARD
      -- because dev mode's embedded Redis is 6.2, which has no SINTERCARD
      changed = redis.call('SCARD', KEYS[2]) ~= size or #redis.call('SDIFF', KEYS[1], KEYS[2]) > 0
    end
    redis.call('RENAME', KEYS[1], KEYS[2])
  end
  if changed then
    redis.call('HSET', KEYS[4], 'gen', ARGV[2])
    redis.call('HINCRBY', KEYS[4], 'n', 1)
    redis.call('DEL', KEYS[5])
  end
  return redis.call('SCARD', KEYS[2])
end
return 0

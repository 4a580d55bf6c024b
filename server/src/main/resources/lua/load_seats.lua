-- load_seats: builds an event's seat set from PostgreSQL in chunks, then swaps it in at once, so
-- holds never see a half-loaded map. Each load builds under its own key, so loads racing on several
-- nodes cannot mix. Sold seats are added to the sold hash (a sale never reverts).
-- KEYS[1] seats:loading:{load id} set   the map being built by this load
-- KEYS[2] seats         set   the map in use
-- KEYS[3] sold          hash  seat -> reservationId
-- ARGV[1] "first", "more" or "last" chunk
-- ARGV[2] how many seat ids follow; then the seat ids; then seat, reservationId pairs for sold seats
-- Returns the size of the map once swapped in (last chunk), else 0.
if ARGV[1] == 'first' then
  redis.call('DEL', KEYS[1])
  -- an abandoned load (its node died mid-way) must not linger
  redis.call('EXPIRE', KEYS[1], 300)
end
local n = tonumber(ARGV[2])
for i = 3, 2 + n, 1000 do
  redis.call('SADD', KEYS[1], unpack(ARGV, i, math.min(2 + n, i + 999)))
end
for i = 3 + n, #ARGV, 2 do
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
end
if ARGV[1] == 'last' then
  if redis.call('EXISTS', KEYS[1]) == 1 then
    redis.call('RENAME', KEYS[1], KEYS[2])
  end
  return redis.call('SCARD', KEYS[2])
end
return 0

-- seat_statuses: the seats not free right now and the version they are at, in one consistent read.
-- KEYS[1] hold-seats   hash  seat -> holdId
-- KEYS[2] sold         hash  seat -> reservationId
-- KEYS[3] seats        set   (to tell whether the map is loaded)
-- KEYS[4] seat-version hash  gen, n: the seat map's generation and last seat-status version
-- Returns {loaded (1/0), {held seats}, {sold seats}, gen, version}. A map without a generation
-- counts as not loaded: loading it gives it one.
local gen = redis.call('HGET', KEYS[4], 'gen')
if redis.call('EXISTS', KEYS[3]) == 0 or not gen then
  return {0, {}, {}, '', 0}
end
return {1, redis.call('HKEYS', KEYS[1]), redis.call('HKEYS', KEYS[2]), gen,
  tonumber(redis.call('HGET', KEYS[4], 'n') or '0')}

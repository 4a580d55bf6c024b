-- seat_changes: the seats whose status changed after version `since` of generation `gen`, each with
-- its status now and the version of its last change, read in one consistent step: a change made
-- after `since` is in the answer or in a later version, never lost between two reads.
-- KEYS[1] seat-version hash  gen, n: the seat map's generation and last seat-status version
-- KEYS[2] seat-log     zset  seat -> version of its last status change in this generation
-- KEYS[3] hold-seats   hash  seat -> holdId
-- KEYS[4] sold         hash  seat -> reservationId
-- KEYS[5] seats        set   (to tell whether the map is loaded)
-- ARGV[1] gen, ARGV[2] since (a version of that generation), ARGV[3] the most changes worth sending
-- Returns {"ok", gen, version, {seat, status, version, ...}}; {"reset", gen, version} when `since`
-- cannot be answered (another generation, a version not given yet, more than ARGV[3] changes):
-- the reader needs the whole map; {"missing"} when the map is not loaded.
local gen = redis.call('HGET', KEYS[1], 'gen')
if not gen or redis.call('EXISTS', KEYS[5]) == 0 then
  return {'missing'}
end
local now = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
local since = tonumber(ARGV[2])
if gen ~= ARGV[1] or not since or since > now then
  return {'reset', gen, now}
end
if since == now then
  return {'ok', gen, now, {}}
end
if redis.call('ZCOUNT', KEYS[2], '(' .. ARGV[2], '+inf') > tonumber(ARGV[3]) then
  return {'reset', gen, now}
end
local log = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[2], '+inf', 'WITHSCORES')
local out = {}
for i = 1, #log, 2 do
  local seat = log[i]
  local status = 'free'
  if redis.call('HEXISTS', KEYS[4], seat) == 1 then
    status = 'sold'
  elseif redis.call('HEXISTS', KEYS[3], seat) == 1 then
    status = 'held'
  end
  out[#out + 1] = seat
  out[#out + 1] = status
  out[#out + 1] = log[i + 1]
end
return {'ok', gen, now, out}

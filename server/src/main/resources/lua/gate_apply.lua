-- gate_apply: records one tick's gate decision, at most once per tick for the whole cluster and
-- only if the state it was decided from still holds (nodes deciding at once cannot both apply).
-- KEYS[1] meta  hash  queueing, gateFlippedAt, gateTick (the last tick decided)
-- ARGV[1] tick number (now / tickMillis)
-- ARGV[2] queueing the decision was made from ("1", "0" or "" for never decided)
-- ARGV[3] queueing decided ("1"/"0")
-- ARGV[4] flippedAt to record when it flips (epoch ms)
-- Returns 1 when applied, 0 when this tick was already decided or the state moved on.
local tick = tonumber(ARGV[1])
if tonumber(redis.call('HGET', KEYS[1], 'gateTick') or '-1') >= tick then
  return 0
end
if (redis.call('HGET', KEYS[1], 'queueing') or '') ~= ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], 'gateTick', tick)
if ARGV[2] ~= ARGV[3] then
  redis.call('HSET', KEYS[1], 'queueing', ARGV[3])
  -- the first decision of an event is not a flip: it must not start a debounce period
  if ARGV[2] ~= '' then
    redis.call('HSET', KEYS[1], 'gateFlippedAt', ARGV[4])
  end
end
return 1

-- set_queueing: records whether joiners of an event wait in line (gate on) or pass straight in.
-- KEYS[1] meta  hash  queueing
-- ARGV[1] "1" queueing, "0" open
-- Returns 1 when the state changed, 0 when it already was so.
local before = redis.call('HGET', KEYS[1], 'queueing')
redis.call('HSET', KEYS[1], 'queueing', ARGV[1])
if before == ARGV[1] then
  return 0
end
return 1

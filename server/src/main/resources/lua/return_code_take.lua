-- return_code_take: exchanges a return code, once: the code is gone after this whatever the answer,
-- so a code read from a log or a history is worth nothing after its first use.
-- KEYS[1] active zset   visitor -> activeUntil (epoch ms)
-- KEYS[2] code   string visitor id, expires
-- ARGV[1] now, epoch ms
-- Returns {visitor, activeUntil} when the code was live and its visitor is still active, {} otherwise.
local visitor = redis.call('GET', KEYS[2])
if not visitor then
  return {}
end
redis.call('DEL', KEYS[2])
local activeUntil = redis.call('ZSCORE', KEYS[1], visitor)
if not activeUntil or tonumber(activeUntil) <= tonumber(ARGV[1]) then
  return {}
end
return {visitor, tonumber(activeUntil)}

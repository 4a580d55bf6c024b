-- return_code_issue: a single-use code that proves an admission on the way back to the site, for an
-- active visitor only.
-- KEYS[1] active zset   visitor -> activeUntil (epoch ms)
-- KEYS[2] code   string visitor id, expires
-- ARGV[1] visitor id
-- ARGV[2] now, epoch ms
-- ARGV[3] the code's lifetime, ms
-- Returns the visitor's activeUntil, or 0 (and no code) when they are not active.
local activeUntil = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not activeUntil or tonumber(activeUntil) <= tonumber(ARGV[2]) then
  return 0
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
return tonumber(activeUntil)

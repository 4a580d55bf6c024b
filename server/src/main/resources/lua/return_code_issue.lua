-- return_code_issue: a single-use code that proves an admission on the way back to the site, for an
-- active visitor only. A visitor has at most one live code: a new one replaces the last, so asking
-- again and again cannot make Redis hold more than one code per active visitor.
-- KEYS[1] active   zset   visitor -> activeUntil (epoch ms)
-- KEYS[2] code     string visitor id, expires
-- KEYS[3] latest   string the visitor's live code, expires with it
-- KEYS[4] prefix of code keys (KEYS[2] without the code): where the replaced code lives
-- ARGV[1] visitor id
-- ARGV[2] now, epoch ms
-- ARGV[3] the code's lifetime, ms
-- ARGV[4] the code
-- Returns the visitor's activeUntil, or 0 (and no code) when they are not active.
local activeUntil = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not activeUntil or tonumber(activeUntil) <= tonumber(ARGV[2]) then
  return 0
end
local previous = redis.call('GET', KEYS[3])
if previous then
  redis.call('DEL', KEYS[4] .. previous)
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[3])
return tonumber(activeUntil)

-- complete: the site says an admitted visitor is done (paid on the site): they leave the active set
-- as 'completed', freeing the slot at once, and are counted once in meta "completed". A retry of a
-- completion finds the reason and answers as the first did, counting nothing.
-- KEYS[1] active   zset  visitor -> activeUntil (epoch ms)
-- KEYS[2] gone     hash  visitor -> reason
-- KEYS[3] presence zset  visitor -> last seen (epoch ms)
-- KEYS[4] meta     hash  completed: visitors completed so far
-- KEYS[5..7] the report's keys (lib/report.lua)
-- ARGV[1] visitor id
-- ARGV[2] now, epoch ms
-- Returns {"completed"} (done now), {"again"} (done before: a retry), or {"gone", reason} when the
-- visitor is not active (left, expired, disconnected, confirmed; "unknown" if never admitted).
--#include report
local visitor, now = ARGV[1], tonumber(ARGV[2])
local activeUntil = redis.call('ZSCORE', KEYS[1], visitor)
if activeUntil and tonumber(activeUntil) > now then
  redis.call('ZREM', KEYS[1], visitor)
  redis.call('ZREM', KEYS[3], visitor)
  redis.call('HSET', KEYS[2], visitor, 'completed')
  redis.call('HINCRBY', KEYS[4], 'completed', 1)
  report.departed(visitor, 'completed', now)
  return {'completed'}
end
local reason = redis.call('HGET', KEYS[2], visitor)
if reason == 'completed' then
  return {'again'}
end
-- past its time but not yet moved by a tick: expired, as status.lua says
return {'gone', reason or (activeUntil and 'expired') or 'unknown'}

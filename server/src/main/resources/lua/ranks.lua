-- ranks: positions of a batch of visitors connected to one node, in one round trip, renewing the
-- presence lease of each one still in line or active (their socket is open on that node).
-- KEYS[1] waiting   zset  visitor -> join sequence
-- KEYS[2] active    zset  visitor -> activeUntil (epoch ms)
-- KEYS[3] presence  zset  visitor -> last seen (epoch ms)
-- KEYS[4] meta      hash  rate (measured admissions per second)
-- KEYS[5] prequeue  zset  visitor -> arrival sequence, before the opening
-- ARGV[1] now, epoch ms
-- ARGV[2..n] visitor ids
-- Returns {waitingCount, rate or "", then one entry per visitor: position (1-based) when waiting,
-- 0 when active, -1 when gone, -2 when in the pre-queue}.
local now = ARGV[1]
local out = {redis.call('ZCARD', KEYS[1]), redis.call('HGET', KEYS[4], 'rate') or ''}
for i = 2, #ARGV do
  local visitor = ARGV[i]
  local rank = redis.call('ZRANK', KEYS[1], visitor)
  if rank then
    redis.call('ZADD', KEYS[3], now, visitor)
    out[#out + 1] = rank + 1
  elseif redis.call('ZSCORE', KEYS[2], visitor) then
    redis.call('ZADD', KEYS[3], now, visitor)
    out[#out + 1] = 0
  elseif redis.call('ZSCORE', KEYS[5], visitor) then
    redis.call('ZADD', KEYS[3], now, visitor)
    out[#out + 1] = -2
  else
    out[#out + 1] = -1
  end
end
return out

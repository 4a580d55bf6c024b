-- limit: takes one token from each of a client's buckets (its address, its network, ...) or from
-- none: a refused request costs the client nothing, and no bucket runs ahead of the others. Each
-- bucket holds up to its capacity and refills at that many tokens a minute, so a client may burst
-- up to the capacity and then goes at the rate. All keys share one hash tag (one slot).
-- KEYS[i]   bucket  hash   tokens (may be fractional), at (epoch ms of the last refill)
-- ARGV[1]   now, epoch ms
-- ARGV[1+i] capacity of KEYS[i], which is also its refill per minute (0: that bucket is not limited)
-- Returns 0 when a token was taken from every bucket, else the ms until every bucket has one.
local now = tonumber(ARGV[1])
local levels = {}
local wait = 0
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[1 + i])
  if capacity > 0 then
    local state = redis.call('HMGET', key, 'tokens', 'at')
    local tokens = tonumber(state[1]) or capacity
    local at = tonumber(state[2]) or now
    local perMs = capacity / 60000
    tokens = math.min(capacity, tokens + math.max(0, now - at) * perMs)
    levels[i] = tokens
    if tokens < 1 then
      wait = math.max(wait, math.ceil((1 - tokens) / perMs))
    end
  end
end
if wait > 0 then
  return wait
end
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[1 + i])
  if capacity > 0 then
    redis.call('HSET', key, 'tokens', tostring(levels[i] - 1), 'at', now)
    -- a full bucket is the same as none: the key lives only until it would have refilled
    redis.call('PEXPIRE', key, math.ceil((capacity - levels[i] + 1) / (capacity / 60000)) + 1000)
  end
end
return 0

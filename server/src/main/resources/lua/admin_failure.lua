-- admin_failure: counts a wrong admin key from one client address within a window, so that guessing
-- the key is slowed for the whole cluster, not per node.
-- KEYS[1] failures string  wrong keys from this address in the current window (expires with it)
-- ARGV[1] window, ms
-- Returns {wrong keys in the window, ms until the window ends}.
local n = redis.call('INCR', KEYS[1])
if n == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return {n, redis.call('PTTL', KEYS[1])}

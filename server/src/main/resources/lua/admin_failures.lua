-- admin_failures: how many wrong admin keys one client address sent in the current window.
-- KEYS[1] failures string  wrong keys from this address in the current window (see admin_failure)
-- Returns {wrong keys in the window (0 if none), ms until the window ends (0 if none)}.
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n == 0 then
  return {0, 0}
end
return {n, math.max(0, redis.call('PTTL', KEYS[1]))}

-- admission (a library, not an operation: LuaScript inlines it where a script says
-- "--#include admission"). The one rule deciding who may be let in now, used alike by the
-- admission tick (admit.lua) and by a join that passes straight in while the gate is open
-- (join.lua). Both scripts take the rule's inputs as their first arguments, in this order:
-- ARGV[1] now, epoch ms
-- ARGV[2] maxActive
-- ARGV[3] admitPerMinute (0 = capacity only)
-- ARGV[4] activeMillis, how long an admitted visitor stays active
-- ARGV[5] paused ("1": nobody is admitted; expiry goes on)
local admission = {
  now = tonumber(ARGV[1]),
  maxActive = tonumber(ARGV[2]),
  perMinute = tonumber(ARGV[3]),
  activeMillis = tonumber(ARGV[4]),
  paused = ARGV[5] == '1',
}

-- Free active slots: none while paused or before the opening (anyone in the pre-queue), never
-- above maxActive.
function admission.room(activeKey, prequeueKey)
  if admission.paused or redis.call('ZCARD', prequeueKey) > 0 then
    return 0
  end
  return math.max(0, admission.maxActive - redis.call('ZCARD', activeKey))
end

-- Takes up to `wanted` admissions from the rate cap, a token bucket holding at most one second of
-- admissions (so a burst never exceeds a second's worth), kept in the meta hash (tokens, tokensAt).
-- Returns how many it took.
function admission.take(metaKey, wanted)
  if admission.perMinute <= 0 then
    return wanted
  end
  local now = admission.now
  local capacity = math.max(1, admission.perMinute / 60)
  local tokens = tonumber(redis.call('HGET', metaKey, 'tokens') or capacity)
  local tokensAt = tonumber(redis.call('HGET', metaKey, 'tokensAt') or now)
  if now > tokensAt then
    tokens = math.min(capacity, tokens + (now - tokensAt) * admission.perMinute / 60000)
    tokensAt = now
  end
  local n = math.min(wanted, math.floor(tokens))
  redis.call('HSET', metaKey, 'tokens', tostring(tokens - n), 'tokensAt', tostring(tokensAt))
  return n
end

-- Returns `unused` admissions taken from the rate cap but not made (the visitors in line were away).
function admission.giveBack(metaKey, unused)
  if admission.perMinute > 0 and unused > 0 then
    redis.call('HINCRBYFLOAT', metaKey, 'tokens', unused)
  end
end

-- The gate: joiners pass straight in only while it is open (meta queueing = "0").
function admission.gateOpen(metaKey)
  return redis.call('HGET', metaKey, 'queueing') == '0'
end

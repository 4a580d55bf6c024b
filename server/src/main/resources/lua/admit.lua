-- admit: one admission tick of one event. Expires active visitors past their time, then moves
-- waiting visitors to active in join order as far as the admission rule (lib/admission.lua:
-- capacity, rate cap, pause, opening) allows, and keeps an exponentially weighted admission rate
-- for ETAs. Atomic, so nodes ticking at once can never admit past capacity.
-- KEYS[1] waiting  zset  visitor -> join sequence
-- KEYS[2] active   zset  visitor -> activeUntil (epoch ms)
-- KEYS[3] gone     hash  visitor -> reason
-- KEYS[4] meta     hash  admittedTotal, tokens, tokensAt, rate (per second), rateAt, generation
-- KEYS[5] presence zset  visitor -> last seen (epoch ms)
-- KEYS[6] prequeue zset  visitor -> arrival sequence: while anyone is in it, the event has not
--         opened and nobody is admitted
-- ARGV[1..5] the admission rule's inputs (see lib/admission.lua)
-- ARGV[6] maxBatch, the most visitors expired or admitted in one tick
-- ARGV[7] rate window in seconds (the EWMA's time constant)
-- Returns {admitted visitors, expired visitors, activeUntil, waiting, active, admittedTotal, rate or "",
-- generation or "" (none: Redis never had this event's state, or lost it)}.
--#include admission
local now = admission.now
local paused = admission.paused
local maxBatch = tonumber(ARGV[6])
local window = tonumber(ARGV[7])

local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, maxBatch)
for _, visitor in ipairs(expired) do
  redis.call('ZREM', KEYS[2], visitor)
  redis.call('HSET', KEYS[3], visitor, 'expired')
  redis.call('ZREM', KEYS[5], visitor)
end

local waitingBefore = redis.call('ZCARD', KEYS[1])
local n = math.min(waitingBefore, maxBatch, admission.room(KEYS[2], KEYS[6]))
n = admission.take(KEYS[4], n)

local admitted = {}
local activeUntil = now + admission.activeMillis
if n > 0 then
  local popped = redis.call('ZPOPMIN', KEYS[1], n)
  for i = 1, #popped, 2 do
    redis.call('ZADD', KEYS[2], activeUntil, popped[i])
    admitted[#admitted + 1] = popped[i]
  end
end
local admittedTotal
if #admitted > 0 then
  admittedTotal = redis.call('HINCRBY', KEYS[4], 'admittedTotal', #admitted)
else
  admittedTotal = tonumber(redis.call('HGET', KEYS[4], 'admittedTotal') or '0')
end

-- The rate is measured only while people wait and admission runs: an empty line says nothing
-- about throughput, and a pause must not make ETAs explode.
local rate = redis.call('HGET', KEYS[4], 'rate')
local rateAt = tonumber(redis.call('HGET', KEYS[4], 'rateAt') or '0')
if waitingBefore > 0 and not paused and rateAt > 0 and now > rateAt then
  local dt = math.min((now - rateAt) / 1000, 10)
  local instant = #admitted / dt
  if rate then
    rate = tonumber(rate) + (1 - math.exp(-dt / window)) * (instant - tonumber(rate))
    rate = tostring(rate)
  elseif #admitted > 0 then
    rate = tostring(instant)
  end
  if rate then
    redis.call('HSET', KEYS[4], 'rate', rate)
  end
end
if now > rateAt then
  redis.call('HSET', KEYS[4], 'rateAt', now)
end

return {admitted, expired, activeUntil, redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]),
        admittedTotal, rate or '', redis.call('HGET', KEYS[4], 'generation') or ''}

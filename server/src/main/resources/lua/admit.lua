-- admit: one admission tick of one event. Expires active visitors past their time, then moves
-- waiting visitors who are present to active in join order as far as the admission rule
-- (lib/admission.lua: capacity, rate cap, pause, opening) allows, stepping over the away ones
-- (lib/away.lua: they keep their place and get the slot only once back), and keeps exponentially
-- weighted measures for the gate and ETAs: the admission rate, and the turnover of active slots
-- (slots freed per second of slot occupied), which the opening fill does not feed. Atomic, so
-- nodes ticking at once can never admit past capacity.
-- KEYS[1] waiting  zset  visitor -> join sequence
-- KEYS[2] active   zset  visitor -> activeUntil (epoch ms)
-- KEYS[3] gone     hash  visitor -> reason
-- KEYS[4] meta     hash  admittedTotal, tokens, tokensAt, rate (per second), rateAt, generation,
--                        sale (where the sale stands), ended (the reason an operator ended it),
--                        scannedTo (lib/away.lua), activeAfter (active count after the last tick),
--                        turnoverFreed and turnoverExposure (EWMA sums of slots freed and of
--                        slot-seconds occupied: their ratio is the rate at which one slot frees)
-- KEYS[5] presence zset  visitor -> last seen (epoch ms)
-- KEYS[6] prequeue zset  visitor -> arrival sequence: while anyone is in it, the event has not
--         opened and nobody is admitted
-- KEYS[7] away     zset  visitor -> last seen (epoch ms), waiting visitors whose lease ran out
-- KEYS[8..14] the stock's keys (lib/admission.lua, admission.stockKeys)
-- KEYS[#KEYS-2..#KEYS] the report's keys (lib/report.lua), after all the others
-- ARGV[1..6] the admission rule's inputs (see lib/admission.lua)
-- ARGV[7] maxBatch, the most visitors expired or admitted in one tick
-- ARGV[8] rate window in seconds (the admission rate EWMA's time constant)
-- ARGV[9] maxSkip, the most away visitors stepped over in one tick (the rest wait for the next)
-- ARGV[10] turnover window in seconds (the turnover EWMAs' time constant)
-- ARGV[11..] the event's lanes: their number (0: no lanes, one line as ever), then per lane its name
--         and share; each lane is admitted from its own part of the line (lib/lanes.lua, lanes.admit)
-- KEYS[15] lanes   hash  lane name -> index (lib/lanes.lua)
-- Returns {admitted visitors, expired visitors, activeUntil, waiting, active, admittedTotal, rate or "",
-- generation or "" (none: Redis never had this event's state, or lost it), {loaded 0/1, free, held,
-- sold, buyers, holds, returned, returnsAt, sale, ended reason or "", ended message or ""} (the stock
-- after the tick; lib/admission.lua)}.
-- Keeps meta "sale" (lib/admission.lua, admission.sale) for joins and status reads.
--#include admission
--#include lanes
--#include report
local now = admission.now
local paused = admission.paused
local maxBatch = tonumber(ARGV[7])
local window = tonumber(ARGV[8])
local maxSkip = tonumber(ARGV[9])
local turnoverWindow = tonumber(ARGV[10])
local stockKeys = admission.stockKeys(8)
local rateAt = tonumber(redis.call('HGET', KEYS[4], 'rateAt') or '0')
local dt = 0
if rateAt > 0 and now > rateAt then
  dt = math.min((now - rateAt) / 1000, 10)
end

local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, maxBatch)
for _, visitor in ipairs(expired) do
  redis.call('ZREM', KEYS[2], visitor)
  redis.call('HSET', KEYS[3], visitor, 'expired')
  redis.call('ZREM', KEYS[5], visitor)
end
report.expired(#expired, now)

-- Turnover: slots freed since the last tick, whatever freed them (expiry above, leaving, reaping,
-- a confirmed booking), over the slot-seconds occupied meanwhile. Filling empty capacity frees
-- nothing, so the opening's first admissions are never taken for a rate a full house can keep.
local activeNow = redis.call('ZCARD', KEYS[2])
local activeAfter = tonumber(redis.call('HGET', KEYS[4], 'activeAfter') or '-1')
if activeAfter >= 0 and dt > 0 then
  local keep = math.exp(-dt / turnoverWindow)
  local freed = math.max(0, activeAfter - activeNow)
  local freedSum = tonumber(redis.call('HGET', KEYS[4], 'turnoverFreed') or '0') * keep + freed
  local exposure = tonumber(redis.call('HGET', KEYS[4], 'turnoverExposure') or '0') * keep + activeAfter * dt
  redis.call('HSET', KEYS[4], 'turnoverFreed', tostring(freedSum), 'turnoverExposure', tostring(exposure))
end

local waitingBefore = redis.call('ZCARD', KEYS[1])
local laneCount = tonumber(ARGV[11] or '0')
local n = math.min(waitingBefore, maxBatch,
    admission.room(KEYS[2], laneCount > 0 and '' or KEYS[6], KEYS[4], stockKeys))
n = admission.take(KEYS[4], n)

-- The present visitors first in line (of one lane: scores low to high): from past scanField on, in
-- join order, the away ones stepped over. Answers how many it admitted.
local admitted = {}
local activeUntil = now + admission.activeMillis
local skipped = 0
local function admitFrom(scanField, low, high, wanted)
  local scanned = redis.call('HGET', KEYS[4], scanField)
  local from = scanned and ('(' .. scanned) or low
  local before = #admitted
  local last
  while #admitted - before < wanted and skipped < maxSkip do
    local front = redis.call('ZRANGEBYSCORE', KEYS[1], from, high, 'WITHSCORES', 'LIMIT', 0,
        math.min(wanted - (#admitted - before) + 16, wanted + maxSkip))
    if #front == 0 then
      break
    end
    for i = 1, #front, 2 do
      local visitor = front[i]
      last = front[i + 1]
      if redis.call('ZSCORE', KEYS[7], visitor) then
        skipped = skipped + 1
      else
        redis.call('ZREM', KEYS[1], visitor)
        redis.call('ZADD', KEYS[2], activeUntil, visitor)
        admitted[#admitted + 1] = visitor
      end
      if #admitted - before == wanted or skipped == maxSkip then
        break
      end
    end
    from = '(' .. last
  end
  if last then
    -- everyone in line up to the last one looked at was admitted or is away
    redis.call('HSET', KEYS[4], scanField, last)
  end
  return #admitted - before
end
if n > 0 then
  if laneCount == 0 then
    admitFrom('scannedTo', '-inf', '+inf', n)
  else
    lanes.admit(KEYS[15], KEYS[6], KEYS[1], KEYS[4], 11, n, admitFrom)
  end
  admission.giveBack(KEYS[4], n - #admitted)
end
redis.call('HSET', KEYS[4], 'activeAfter', activeNow + #admitted)
report.admitted(admitted, now)
local admittedTotal
if #admitted > 0 then
  admittedTotal = redis.call('HINCRBY', KEYS[4], 'admittedTotal', #admitted)
else
  admittedTotal = tonumber(redis.call('HGET', KEYS[4], 'admittedTotal') or '0')
end

-- The rate is measured only while people wait and admission runs: an empty line says nothing
-- about throughput, and a pause must not make ETAs explode.
local rate = redis.call('HGET', KEYS[4], 'rate')
if waitingBefore > 0 and not paused and dt > 0 then
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

-- where the sale stands, kept in meta for joins and status reads, which answer it at no cost
local stock = admission.stock(stockKeys)
local sale = admission.sale(KEYS[4], stock)
redis.call('HSET', KEYS[4], 'sale', sale)
return {admitted, expired, activeUntil, redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]),
        admittedTotal, rate or '', redis.call('HGET', KEYS[4], 'generation') or '',
        {stock.loaded and 1 or 0, stock.free, stock.held, stock.sold, stock.buyers, stock.holds, stock.returned,
         stock.returnsAt, sale, redis.call('HGET', KEYS[4], 'ended') or '',
         redis.call('HGET', KEYS[4], 'endedMessage') or ''}}

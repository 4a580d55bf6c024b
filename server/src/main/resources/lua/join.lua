-- join: a new visitor takes the next place in an event's line; before the opening, a place in
-- the pre-queue; or, while the gate is open and nobody waits, goes straight in if the admission
-- rule (lib/admission.lua: capacity, rate, pause) lets one more in now.
-- KEYS[1] seq      string  the event's join sequence counter
-- KEYS[2] waiting  zset    visitor -> join sequence
-- KEYS[3] active   zset    visitor -> activeUntil (epoch ms)
-- KEYS[4] meta     hash    queueing ("0" open, anything else queueing), admittedTotal, tokens, tokensAt,
--                          turnoverFreed, turnoverExposure (see admit.lua)
-- KEYS[5] presence zset    visitor -> last seen (epoch ms), the lease the reaper checks
-- KEYS[6] prequeue zset    visitor -> arrival sequence, before the opening
-- KEYS[7] join key string  the visitor an Idempotency-Key created (expires with ARGV[8])
-- KEYS[8] identity string  the visitor of one identity (the booking site's user), expires with ARGV[10]
-- KEYS[9..15] the stock's keys (lib/admission.lua, admission.stockKeys)
-- KEYS[16] lanes   hash    lane name -> index, "#index" -> name (lib/lanes.lua)
-- KEYS[17] codes   hash    code -> "lane|uses left|uses" (lib/lanes.lua)
-- KEYS[#KEYS-2..#KEYS] the report's keys (lib/report.lua), after all the others
-- ARGV[1..6] the admission rule's inputs (see lib/admission.lua)
-- ARGV[7] visitor id, new and random
-- ARGV[8] opensAt, epoch ms (0: no scheduled opening)
-- ARGV[9] how long a join key is remembered, ms ("0": the join carries no key, KEYS[7] is unused)
-- ARGV[10] how long an identity's visitor is remembered, ms ("0": no identity, KEYS[8] is unused)
-- ARGV[11..] the lane the join asks for (lib/lanes.lua, lanes.enter): the lane of the identity's claim,
-- the code, the event's lanes with their openings ("", "", 0 for an event without lanes)
-- Returns {state, position or activeUntil or 0, waitingCount, activeCount, turnoverFreed or "",
-- turnoverExposure or "", "0", sale, lane} (as status.lua; position within the lane), or
-- {"refused", code, detail} for a code or lane that cannot be used now (nothing changed), or {"ended", reason, message} when an operator ended the sale; state being "waiting", "active" or "prequeue"
-- (waitingCount then counts the pre-queue); or
-- {"existing", visitor} when the join key was used before: a retry, which changes nothing; or
-- {"identity", visitor} when the identity already has a place (waiting, active or pre-queued): one
-- person, one place, whichever device joins.
--#include admission
--#include lanes
--#include report
local now = admission.now
local visitor = ARGV[7]
local opensAt = tonumber(ARGV[8])
local keyMillis = tonumber(ARGV[9])
local identityMillis = tonumber(ARGV[10] or '0')
local lane
-- the meta fields a join reads, in one call (a join changes none of them): joins come by the
-- thousand a second, and each call costs Redis time
local meta = redis.call('HMGET', KEYS[4], 'ended', 'endedMessage', 'turnoverFreed', 'turnoverExposure', 'sale',
  'queueing')
local function answer(state, value, count)
  report.joined(state, visitor, now, math.max(now, opensAt), count)
  return {state, value, count, redis.call('ZCARD', KEYS[3]), meta[3] or '', meta[4] or '', '0', meta[5] or 'on_sale',
          lane.name}
end
-- a sale an operator ended takes nobody in, not even into the line
if meta[1] then
  return {'ended', meta[1], meta[2] or ''}
end
if identityMillis > 0 then
  local held = redis.call('GET', KEYS[8])
  if held and (redis.call('ZSCORE', KEYS[2], held) or redis.call('ZSCORE', KEYS[3], held)
      or redis.call('ZSCORE', KEYS[6], held)) then
    return {'identity', held}
  end
end
if keyMillis > 0 then
  local earlier = redis.call('GET', KEYS[7])
  if earlier then
    return {'existing', earlier}
  end
end
-- the lane, and the use of a code, are taken only by a join that happens
local refusal
lane, refusal = lanes.enter(KEYS[16], KEYS[17], 11, now)
if refusal then
  return refusal
end
opensAt = lane.opensAt or opensAt
if keyMillis > 0 then
  redis.call('SET', KEYS[7], visitor, 'PX', keyMillis)
end
if identityMillis > 0 then
  redis.call('SET', KEYS[8], visitor, 'PX', identityMillis)
end
redis.call('ZADD', KEYS[5], now, visitor)

if opensAt > 0 and now < opensAt and redis.call('HGET', KEYS[4], lanes.field('opened', lane.index)) ~= '1' then
  redis.call('ZADD', KEYS[6], lanes.score(lane.index, redis.call('INCR', KEYS[1])), visitor)
  return answer('prequeue', 0, redis.call('ZCARD', KEYS[6]))
end

if admission.gateOpen(meta[6]) and redis.call('ZCARD', KEYS[2]) == 0 and lanes.opened(KEYS[6], lane)
    and admission.room(KEYS[3], lane.named and '' or KEYS[6], KEYS[4], admission.stockKeys(9)) > 0
    and admission.take(KEYS[4], 1) == 1 then
  local activeUntil = now + admission.activeMillis
  redis.call('ZADD', KEYS[3], activeUntil, visitor)
  redis.call('HINCRBY', KEYS[4], 'admittedTotal', 1)
  return answer('active', activeUntil, 0)
end

local score = lanes.score(lane.index, redis.call('INCR', KEYS[1]))
redis.call('ZADD', KEYS[2], score, visitor)
return answer('waiting', lanes.positionAt(KEYS[2], visitor, lane.index, score), redis.call('ZCARD', KEYS[2]))

-- admission (a library, not an operation: LuaScript inlines it where a script says
-- "--#include admission"). The one rule deciding who may be let in now, used alike by the
-- admission tick (admit.lua) and by a join that passes straight in while the gate is open
-- (join.lua). Both scripts take the rule's inputs as their first arguments, in this order:
-- ARGV[1] now, epoch ms
-- ARGV[2] maxActive
-- ARGV[3] admitPerMinute (0 = capacity only)
-- ARGV[4] activeMillis, how long an admitted visitor stays active
-- ARGV[5] paused ("1": nobody is admitted; expiry goes on)
-- ARGV[6] stockPacing ("1": never more buyers shopping than the free stock can serve)
-- and take the stock's keys as one table (admission.stockKeys) from the KEYS the script names.
local admission = {
  now = tonumber(ARGV[1]),
  maxActive = tonumber(ARGV[2]),
  perMinute = tonumber(ARGV[3]),
  activeMillis = tonumber(ARGV[4]),
  paused = ARGV[5] == '1',
  stockPacing = ARGV[6] == '1',
}

-- Until this many buyers and holds are counted, every buyer counts as one ticket: too few to
-- measure the sale's basket size by.
local MEASURED_AFTER = 5

-- The stock's keys from KEYS[first..first+6]: stock, standing, standing-held, standing-sold, holds,
-- seat-row-meta (the map is in Redis), hold-expiry.
function admission.stockKeys(first)
  return {stock = KEYS[first], standing = KEYS[first + 1], standingHeld = KEYS[first + 2],
    standingSold = KEYS[first + 3], holds = KEYS[first + 4], rowMeta = KEYS[first + 5],
    holdExpiry = KEYS[first + 6]}
end

local function sum(flat, into)
  for i = 2, #flat, 2 do
    into = into + tonumber(flat[i])
  end
  return into
end

-- What is left now: {loaded, free, held, sold, buyers, holds, returned (holds that ended unbought),
-- returnsAt (when the first hold now runs out, 0 with none)}, tickets being seats and standing
-- places alike. Not loaded (the map is not in Redis yet): nothing is known.
function admission.stock(keys)
  local capacity = redis.call('HGETALL', keys.standing)
  local loaded = redis.call('EXISTS', keys.rowMeta) == 1 or #capacity > 0
  local free, held, sold = 0, 0, 0
  local counts = redis.call('HGETALL', keys.stock)
  local buyers, returned = 0, 0
  for i = 1, #counts, 2 do
    local state = string.match(counts[i], '^(%a+):')
    local n = tonumber(counts[i + 1])
    if state == 'free' then free = free + n
    elseif state == 'held' then held = held + n
    elseif state == 'sold' then sold = sold + n
    elseif counts[i] == 'buyers' then buyers = n
    elseif counts[i] == 'returned' then returned = n
    end
  end
  local standingHeld = sum(redis.call('HGETALL', keys.standingHeld), 0)
  local standingSold = sum(redis.call('HGETALL', keys.standingSold), 0)
  free = free + math.max(0, sum(capacity, 0) - standingHeld - standingSold)
  local first = redis.call('ZRANGE', keys.holdExpiry, 0, 0, 'WITHSCORES')
  return {loaded = loaded, free = free, held = held + standingHeld, sold = sold + standingSold, buyers = buyers,
    holds = redis.call('HLEN', keys.holds), returned = returned, returnsAt = tonumber(first[2] or '0')}
end

-- Where the sale stands: ended (an operator closed it), sold_out (nothing free, nothing held),
-- all_held (nothing free, some held: returns may come), on_sale (or not known yet).
function admission.sale(metaKey, stock)
  if redis.call('HEXISTS', metaKey, 'ended') == 1 then
    return 'ended'
  end
  if not stock.loaded or stock.free > 0 then
    return 'on_sale'
  end
  return stock.held > 0 and 'all_held' or 'sold_out'
end

-- Tickets one buyer takes, as measured in this sale (sold and held tickets over buyers and holds),
-- never below one.
function admission.perBuyer(stock)
  local takers = stock.buyers + stock.holds
  if takers < MEASURED_AFTER then
    return 1
  end
  return math.max(1, (stock.sold + stock.held) / takers)
end

-- How many more may be let in as far as the stock goes: none once nothing is free (sold out, or
-- all held: returns may come back); with stockPacing, no more shoppers (active visitors without a
-- hold) than the free tickets over the tickets per buyer. Unlimited while the stock is not known.
function admission.stockRoom(keys, activeKey)
  local stock = admission.stock(keys)
  if not stock.loaded then
    return math.huge
  end
  if stock.free <= 0 then
    return 0
  end
  if not admission.stockPacing then
    return math.huge
  end
  local shoppers = math.max(0, redis.call('ZCARD', activeKey) - stock.holds)
  -- rounded up: the last few tickets go to someone even when a basket is bigger than what is left
  return math.max(0, math.ceil(stock.free / admission.perBuyer(stock)) - shoppers)
end

-- Free active slots: none while paused, before the opening (anyone in the pre-queue) or after the
-- sale ended (meta "ended"), never above maxActive nor what the stock can serve. An event with lanes
-- passes "" for the pre-queue: each lane opens by itself (lib/lanes.lua).
function admission.room(activeKey, prequeueKey, metaKey, stockKeys)
  if admission.paused or (prequeueKey ~= '' and redis.call('ZCARD', prequeueKey) > 0)
      or redis.call('HEXISTS', metaKey, 'ended') == 1 then
    return 0
  end
  local room = math.max(0, admission.maxActive - redis.call('ZCARD', activeKey))
  if room == 0 then
    return 0
  end
  return math.min(room, admission.stockRoom(stockKeys, activeKey))
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
function admission.gateOpen(queueing)
  return queueing == '0'
end

-- lanes (a library, not an operation: LuaScript inlines it where a script says "--#include lanes").
-- An event's lanes (presale, members, general...) share its one waiting zset and one pre-queue
-- zset: a visitor of lane i is scored i x 2^32 + join sequence, so each lane is one score range, a
-- position within a lane is a count within its range, and every script that takes a visitor out
-- (leave, reap) works unchanged. The general lane is index 0: an event without lanes scores exactly
-- as before (the join sequence). A lane gets its index at its first join, kept in the event's lanes
-- hash (name -> index, "#index" -> name, "#count"), so renaming or reordering lanes in the settings
-- never moves anyone. Per-lane fields of the meta hash are "field:index" ("field" for general).
local lanes = {SPAN = 4294967296, MAX = 4095}

function lanes.of(score)
  return math.floor(tonumber(score) / lanes.SPAN)
end

-- written out whole: Redis would turn a large Lua number into %.14g text
function lanes.score(index, seq)
  return string.format('%.0f', index * lanes.SPAN + seq)
end

function lanes.low(index)
  return string.format('%.0f', index * lanes.SPAN)
end

function lanes.high(index)
  return '(' .. string.format('%.0f', (index + 1) * lanes.SPAN)
end

function lanes.field(name, index)
  return index == 0 and name or (name .. ':' .. index)
end

-- The 1-based position of a visitor within its lane of a zset (waiting or pre-queue), and the lane
-- index; nil when not in it.
function lanes.position(key, visitor)
  local score = redis.call('ZSCORE', key, visitor)
  if not score then
    return nil
  end
  local index = lanes.of(score)
  return lanes.positionAt(key, visitor, index, score), index
end

-- As lanes.position, for a visitor whose lane and score the caller knows (it just placed them).
function lanes.positionAt(key, visitor, index, score)
  if index == 0 then
    return redis.call('ZRANK', key, visitor) + 1
  end
  return redis.call('ZCOUNT', key, lanes.low(index), score)
end

-- The lane's name ("" for general, which an event without lanes does not name).
function lanes.name(lanesKey, index)
  if not index or index == 0 then
    return ''
  end
  return redis.call('HGET', lanesKey, '#' .. index) or ''
end

-- The lane's index; nil for a lane nobody has joined yet, unless `create`.
function lanes.index(lanesKey, name, create)
  if name == 'general' then
    return 0
  end
  local index = redis.call('HGET', lanesKey, name)
  if index or not create then
    return index and tonumber(index)
  end
  index = redis.call('HINCRBY', lanesKey, '#count', 1)
  if index > lanes.MAX then
    return error('event has used more than ' .. lanes.MAX .. ' lane names')
  end
  redis.call('HSET', lanesKey, name, index, '#' .. index, name)
  return index
end

-- The lane a join enters, from the join's arguments starting at ARGV[first]: the lane the
-- identity's claim names ("" none), the code ("" none), the number of lanes, then per lane its
-- name, opensAt and joinsFrom (epoch ms, 0 none). A code decides the lane and is taken once here;
-- nothing is written before every check passed. Returns the lane {index, name, opensAt (nil: the
-- join's own), named}, or nil and the refusal {"refused", code, detail}.
function lanes.enter(lanesKey, codesKey, first, now)
  local claim, code, count = ARGV[first] or '', ARGV[first + 1] or '', tonumber(ARGV[first + 2] or '0')
  local defs = {}
  for i = 0, count - 1 do
    local at = first + 3 + 3 * i
    defs[ARGV[at]] = {opensAt = tonumber(ARGV[at + 1]), joinsFrom = tonumber(ARGV[at + 2])}
  end
  local name, record = 'general', nil
  if code ~= '' then
    record = redis.call('HGET', codesKey, code)
    local lane, left, uses = string.match(record or '', '^([^|]+)|(%d+)|(%d+)$')
    if not lane or not defs[lane] then
      return nil, {'refused', 'unknown_code', ''}
    end
    if tonumber(left) <= 0 then
      return nil, {'refused', 'code_used_up', ''}
    end
    name = lane
    record = lane .. '|' .. (tonumber(left) - 1) .. '|' .. uses
  elseif claim ~= '' and defs[claim] then
    name = claim
  end
  local def = defs[name]
  if def and def.joinsFrom > 0 and now < def.joinsFrom then
    return nil, {'refused', 'lane_not_open', tostring(def.joinsFrom)}
  end
  local index = count > 0 and lanes.index(lanesKey, name, true) or 0
  if record then
    redis.call('HSET', codesKey, code, record)
  end
  return {index = index, name = count > 0 and name or '', opensAt = def and def.opensAt, named = count > 0}
end

-- Whether a lane's pre-queue has moved into the line (always, for an event without lanes: its one
-- pre-queue gates admission as a whole, lib/admission.lua).
function lanes.opened(prequeueKey, lane)
  return not lane.named or redis.call('ZCOUNT', prequeueKey, lanes.low(lane.index), lanes.high(lane.index)) == 0
end

-- One tick's n admissions split among the open lanes with visitors waiting (ARGV from `first`:
-- the number of lanes, then per lane its name and share), by their shares among those lanes: one
-- admission at a time to the lane furthest behind its share (smooth weighted round robin), the
-- credits kept in meta "laneCredit:index" from tick to tick so that ticks of one or two admissions
-- still add up to the shares; a lane that is closed or empty keeps no credit. What a lane cannot
-- use (fewer present visitors than its part) goes to the others. `admitFrom(scanField, low, high,
-- wanted)` admits from one lane's range and answers how many it admitted.
function lanes.admit(lanesKey, prequeueKey, waitingKey, metaKey, first, n, admitFrom)
  local open, total = {}, 0
  for i = 0, tonumber(ARGV[first]) - 1 do
    local name, share = ARGV[first + 1 + 2 * i], tonumber(ARGV[first + 2 + 2 * i])
    local index = lanes.index(lanesKey, name, false)
    if index then
      local low, high = lanes.low(index), lanes.high(index)
      local credit = lanes.field('laneCredit', index)
      if redis.call('ZCOUNT', prequeueKey, low, high) == 0 and redis.call('ZCOUNT', waitingKey, low, high) > 0 then
        open[#open + 1] = {index = index, share = share, low = low, high = high, field = credit,
          credit = tonumber(redis.call('HGET', metaKey, credit) or '0'), quota = 0}
        total = total + share
      else
        redis.call('HDEL', metaKey, credit)
      end
    end
  end
  if #open == 0 then
    return
  end
  for _ = 1, n do
    local best
    for _, lane in ipairs(open) do
      lane.credit = lane.credit + (total > 0 and lane.share / total or 1 / #open)
      if not best or lane.credit > best.credit then
        best = lane
      end
    end
    best.credit = best.credit - 1
    best.quota = best.quota + 1
  end
  local left = n
  for _, lane in ipairs(open) do
    redis.call('HSET', metaKey, lane.field, tostring(lane.credit))
    left = left - admitFrom(lanes.field('scannedTo', lane.index), lane.low, lane.high, lane.quota)
  end
  for _, lane in ipairs(open) do
    if left <= 0 then
      break
    end
    left = left - admitFrom(lanes.field('scannedTo', lane.index), lane.low, lane.high, left)
  end
end

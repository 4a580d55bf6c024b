-- report (a library, inlined by "--#include report"): the sale's report, counted inside the very
-- step that makes each fact happen, so a fact is counted exactly once: a retried request that the
-- step recognises (a join key used before, the same hold id, a confirmation already recorded)
-- changes nothing and counts nothing. A script that includes it is given the report's three keys
-- as its LAST three KEYS (Keys.reportKeys), after its own, wherever those end:
--   counts    hash  "<epoch minute>:<figure>" -> count; figures: joins, admitted, gone:<reason>
--                   (left, away, disconnected, expired, completed, confirmed), holds, purchases,
--                   seats:<category>, revenue:<category> (minor units)
--   joined-at hash  visitor -> when their wait began (epoch ms): the join, or the scheduled opening
--                   for those who came before it; kept only while they wait
--   waits     hash  whole seconds waited -> admissions that waited that long (exact median and
--                   p90 without one entry per visitor: at most one field per distinct second)
-- Minutes are only those in which something happened. Each key expires 30 days after its last
-- change. A step given no time (now nil) counts at the time Redis gives.
local report = {}
local R = {counts = KEYS[#KEYS - 2], joinedAt = KEYS[#KEYS - 1], waits = KEYS[#KEYS]}
local KEEP_MILLIS = 30 * 24 * 3600 * 1000

local function clock(now)
  if now then
    return tonumber(now)
  end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Adds n to a figure of the minute `now` falls in.
-- The expiry is renewed when a figure's minute starts, not on every count: joins come by the
-- thousand a second, and each call costs Redis time on the hottest path.
-- Returns true when this count began its figure's minute.
function report.count(now, figure, n)
  if n > 0 then
    local total = redis.call('HINCRBY', R.counts, string.format('%d:%s', math.floor(clock(now) / 60000), figure), n)
    if total == n then
      redis.call('PEXPIRE', R.counts, KEEP_MILLIS)
      return true
    end
  end
  return false
end

-- One wait from `since` to `now`; a new number of seconds renews the key's expiry (admissions
-- renew it too, once a tick).
local function waited(now, since)
  if redis.call('HINCRBY', R.waits, string.format('%d', math.max(0, math.floor((now - since) / 1000))), 1) == 1 then
    redis.call('PEXPIRE', R.waits, KEEP_MILLIS)
  end
end

-- A new visitor (never a retry): in line or pre-queued, waiting since `since`, or let straight in;
-- `count` is how many wait where they do now, them included.
function report.joined(state, visitor, now, since, count)
  local minuteBegan = report.count(now, 'joins', 1)
  if state == 'active' then
    report.count(now, 'admitted', 1)
    waited(now, now)
  else
    redis.call('HSET', R.joinedAt, visitor, string.format('%d', since))
    -- the hash goes with its last visitor (the line emptied), so the first to wait again makes a
    -- new one, which needs an expiry; any other join finds it set, renewed once a minute
    if count == 1 or minuteBegan then
      redis.call('PEXPIRE', R.joinedAt, KEEP_MILLIS)
    end
  end
end

-- Visitors moved from the line to the active set at `now`, each with the wait it took.
function report.admitted(visitors, now)
  for _, visitor in ipairs(visitors) do
    local since = redis.call('HGET', R.joinedAt, visitor)
    if since then
      redis.call('HDEL', R.joinedAt, visitor)
      waited(now, tonumber(since))
    end
  end
  if #visitors > 0 then
    redis.call('PEXPIRE', R.waits, KEEP_MILLIS)
  end
  report.count(now, 'admitted', #visitors)
end

-- A visitor who left the line or the active set for `reason` (the step just took them out).
function report.departed(visitor, reason, now)
  redis.call('HDEL', R.joinedAt, visitor)
  report.count(now, 'gone:' .. reason, 1)
end

-- n active visitors whose time ran out.
function report.expired(n, now)
  report.count(now, 'gone:expired', n)
end

-- A hold made, unless it is a retry that replaced the hold with itself.
function report.held(holdId, replaced, now)
  if replaced ~= holdId then
    report.count(now, 'holds', 1)
  end
end

-- A purchase recorded for the first time: ARGV[first..] are (category, places, price) triples, a
-- category "" for seats without one, a price "" when it has none.
function report.sold(first, now)
  report.count(now, 'purchases', 1)
  for i = first, #ARGV - 2, 3 do
    local category, places, price = ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2]
    report.count(now, 'seats:' .. category, places)
    if price ~= '' then
      report.count(now, 'revenue:' .. category, places * tonumber(price))
    end
  end
end

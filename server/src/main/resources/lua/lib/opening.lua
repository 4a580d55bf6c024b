-- opening (a library, not an operation: LuaScript inlines it where a script says
-- "--#include opening"). A pre-queue's move into the line at an opening, the same for the event
-- (open.lua) and for one lane (open_lanes.lua): the visitors of `entries` (a ZRANGE ... WITHSCORES
-- of the pre-queue, in arrival order) take the pre-queue's own arrival numbers, so all of them stay
-- ahead of later joiners, in arrival order ("fifo"), or drawn by the committed seed ("shuffle"):
-- sorted by the hex SHA-1 of seed .. ':' .. visitorId, ties by id, and given the arrival numbers in
-- that order. Answers how many moved.
local opening = {}

function opening.move(entries, waitingKey, order, seed)
  local members, scores = {}, {}
  for i = 1, #entries, 2 do
    members[#members + 1] = entries[i]
    scores[#scores + 1] = entries[i + 1]
  end
  if order == 'shuffle' then
    local keyOf = {}
    for _, v in ipairs(members) do
      keyOf[v] = redis.sha1hex(seed .. ':' .. v)
    end
    table.sort(members, function(a, b)
      if keyOf[a] == keyOf[b] then
        return a < b
      end
      return keyOf[a] < keyOf[b]
    end)
  end
  for i, v in ipairs(members) do
    redis.call('ZADD', waitingKey, scores[i], v)
  end
  return #members
end

-- seat_version (a library, not an operation: LuaScript inlines it where a script says
-- "--#include seat_version"). Every script that changes a seat's status gives the change the
-- event's next seat-status version, in the same atomic step, so a reader that saw version n can
-- ask for exactly what changed after n (seat_changes.lua) and a node can tell a rendered seat map
-- is still current from one small read.
-- versionKey  hash  gen = the map's generation (a new one each time the map is rebuilt with other
--                   seats or statuses), n = the last version given
-- logKey      zset  seat -> the version of its last status change in this generation
local seatVersion = {}

-- Records one step's changes ({seat, status, seat, status, ...}) under one new version.
-- Returns gen, n (unchanged when there were no changes).
function seatVersion.bump(versionKey, logKey, changes)
  local gen = redis.call('HGET', versionKey, 'gen')
  if #changes == 0 then
    return gen or '', tonumber(redis.call('HGET', versionKey, 'n') or '0')
  end
  if not gen then
    -- the version was lost while the statuses stayed (a partial flush, an older foyer): the log
    -- cannot tell what changed before, so this starts a generation and readers load the whole map
    local t = redis.call('TIME')
    gen = string.format('%x%05x', tonumber(t[1]), tonumber(t[2]))
    redis.call('HSET', versionKey, 'gen', gen)
    redis.call('DEL', logKey)
  end
  local n = redis.call('HINCRBY', versionKey, 'n', 1)
  for i = 1, #changes, 2 do
    redis.call('ZADD', logKey, n, changes[i])
  end
  return gen, n
end

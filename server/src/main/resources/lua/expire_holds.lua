-- expire_holds: frees the seats of holds whose time ran out, including confirmations whose fence
-- ran out (the confirming node died or PostgreSQL never answered within the fence).
-- KEYS[1] holds           hash  holdId -> "visitor|expiresAt|seat,seat"
-- KEYS[2] hold-by-visitor hash  visitor -> holdId
-- KEYS[3] hold-seats      hash  seat -> holdId
-- KEYS[4] hold-expiry     zset  holdId -> expiresAt (or fenceUntil while confirming)
-- KEYS[5] confirming      hash  holdId -> "reservationId|fenceUntil"
-- KEYS[6] seat-version    hash  gen, n: the seat map's generation and last seat-status version
-- KEYS[7] seat-log        zset  seat -> version of its last status change
-- KEYS[8] rows, KEYS[9] row-meta, KEYS[10] rows-open, KEYS[11] seat-kind (lib/seat_rows)
-- KEYS[12] hold-placement hash holdId -> placement; KEYS[13] standing-held hash section -> places held
-- ARGV[1] now (ms), ARGV[2] maxBatch
-- Returns {{seat, "free", ...}, {holdId, visitor, ...}, gen, version}; a sweep that freed nothing
-- gives no version.
--#include seat_version
--#include seat_rows
local due = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local changes = {}
local expired = {}
for _, holdId in ipairs(due) do
  redis.call('ZREM', KEYS[4], holdId)
  redis.call('HDEL', KEYS[5], holdId)
  local record = redis.call('HGET', KEYS[1], holdId)
  if record then
    local owner, seats = string.match(record, '^([^|]*)|[^|]*|(.*)$')
    for seat in string.gmatch(seats, '[^,]+') do
      if redis.call('HGET', KEYS[3], seat) == holdId then
        redis.call('HDEL', KEYS[3], seat)
        changes[#changes + 1] = seat
        changes[#changes + 1] = 'free'
      end
    end
    seatRows.giveBack(KEYS[13], seats)
    redis.call('HDEL', KEYS[12], holdId)
    redis.call('HDEL', KEYS[1], holdId)
    if redis.call('HGET', KEYS[2], owner) == holdId then
      redis.call('HDEL', KEYS[2], owner)
    end
    expired[#expired + 1] = holdId
    expired[#expired + 1] = owner
  end
end
seatRows.apply(KEYS[8], KEYS[9], KEYS[10], KEYS[11], changes)
local gen, version = seatVersion.bump(KEYS[6], KEYS[7], changes)
return {changes, expired, gen, version}

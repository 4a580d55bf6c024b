-- pass_live: whether a pass's visitor is still in the booking flow, the online half of a pass check
-- (the signature, exp and aud are checked before, without Redis). Read only.
-- KEYS[1] active zset visitor -> activeUntil (epoch ms)
-- ARGV[1] visitor id
-- ARGV[2] now, epoch ms
-- Returns activeUntil while the visitor is active and their time is not over, 0 otherwise (left,
-- expired, disconnected, removed, confirmed, or never admitted).
local activeUntil = redis.call('ZSCORE', KEYS[1], ARGV[1])
if activeUntil and tonumber(activeUntil) > tonumber(ARGV[2]) then
  return tonumber(activeUntil)
end
return 0

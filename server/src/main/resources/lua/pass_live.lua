-- pass_live: whether a pass's visitor is still in the booking flow, the online half of a pass check
-- (the signature, exp and aud are checked before, without Redis). A live visitor is present: a
-- visitor booking on the site has closed foyer's page, and each request the site's gate or
-- backend checks renews their presence lease, as a socket or a REST call does.
-- KEYS[1] active   zset visitor -> activeUntil (epoch ms)
-- KEYS[2] presence zset visitor -> last seen (epoch ms)
-- ARGV[1] visitor id
-- ARGV[2] now, epoch ms
-- Returns activeUntil while the visitor is active and their time is not over, 0 otherwise (left,
-- expired, disconnected, removed, confirmed, or never admitted).
local activeUntil = redis.call('ZSCORE', KEYS[1], ARGV[1])
if activeUntil and tonumber(activeUntil) > tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[2], 'GT', ARGV[2], ARGV[1])
  return tonumber(activeUntil)
end
return 0

-- announce: makes a message the event's announcement, replacing the one before if any, under the
-- next id of the event: ids only grow, so a page can tell a newer announcement from an older one,
-- and never restart, not even after Redis lost the hash: an id is at least the time it was posted.
-- KEYS[1] announcement hash  seq (last id given), id, message, at, by (the current one), withdrawnAt
-- ARGV[1] message
-- ARGV[2] now, epoch ms (the posting node's clock: the time shown)
-- ARGV[3] who posted it (the key's label)
-- Returns the new id.
-- Redis's own clock floors the id, not the node's: a node whose clock is behind must not give an
-- id lower than one pages already hold after Redis lost the hash.
local t = redis.call('TIME')
local redisNow = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id = math.max(tonumber(redis.call('HGET', KEYS[1], 'seq') or '0') + 1, redisNow)
redis.call('HSET', KEYS[1], 'seq', id, 'id', id, 'message', ARGV[1], 'at', ARGV[2], 'by', ARGV[3])
redis.call('HDEL', KEYS[1], 'withdrawnAt')
return id

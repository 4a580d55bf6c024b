-- announce: makes a message the event's announcement, replacing the one before if any, under the
-- next id of the event (ids only grow, so a page can tell a newer announcement from an older one).
-- KEYS[1] announcement hash  seq (last id given), id, message, at, by (the current one), withdrawnAt
-- ARGV[1] message
-- ARGV[2] now, epoch ms
-- ARGV[3] who posted it (the key's label)
-- Returns the new id.
local id = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[1], 'id', id, 'message', ARGV[1], 'at', ARGV[2], 'by', ARGV[3])
redis.call('HDEL', KEYS[1], 'withdrawnAt')
return id

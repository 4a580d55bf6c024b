-- count_traffic: adds one node's request count for one second of one event; the key lives a
-- few seconds, long enough for every node to read the last complete second.
-- KEYS[1] traffic  string  requests in that epoch second, all nodes summed
-- ARGV[1] requests this node served in that second
-- ARGV[2] seconds to keep the counter
-- Returns the new sum.
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return total

-- open: at opensAt, the pre-queue moves into the line, ahead of everyone who joined after the
-- opening: in arrival order (fifo), or shuffled by the committed seed (shuffle): visitors sorted by
-- the hex SHA-1 of seed .. ':' .. visitorId, and given the pre-queue's own arrival numbers in that
-- order, so all of them stay ahead of later joiners. Runs once; later calls do nothing.
-- KEYS[1] prequeue  zset  visitor -> arrival sequence
-- KEYS[2] waiting   zset  visitor -> join sequence
-- KEYS[3] meta      hash  opened ("1" once done), scannedTo (lib/away.lua: admission starts over
--                         at the front, where the pre-queue now stands)
-- ARGV[1] "fifo" or "shuffle"
-- ARGV[2] the seed (shuffle only)
-- Returns how many visitors moved, or -1 when the event had already opened.
--#include opening
if redis.call('HGET', KEYS[3], 'opened') == '1' then
  return -1
end
local moved = opening.move(redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES'), KEYS[2], ARGV[1], ARGV[2])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[3], 'opened', '1')
redis.call('HDEL', KEYS[3], 'scannedTo')
return moved

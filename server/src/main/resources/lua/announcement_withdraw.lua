-- announcement_withdraw: withdraws the event's announcement, the current one or only the one named.
-- KEYS[1] announcement hash  seq (last id given), id, message, at, by (the current one), withdrawnAt
-- ARGV[1] the id to withdraw, or '' for whichever is current
-- ARGV[2] now, epoch ms
-- Returns {the id withdrawn (0: nothing was), the last id given}.
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
local current = redis.call('HGET', KEYS[1], 'id')
if not current or (ARGV[1] ~= '' and ARGV[1] ~= current) then
  return {0, seq}
end
redis.call('HDEL', KEYS[1], 'id', 'message', 'at', 'by')
redis.call('HSET', KEYS[1], 'withdrawnAt', ARGV[2])
return {tonumber(current), seq}

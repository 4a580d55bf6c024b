-- node_beat: one node says it is alive and reads which nodes serving this state are. Redis's own
-- clock judges every beat, so nodes whose clocks disagree still agree on who is live.
-- KEYS[1] nodes  hash  node id -> "<last beat, Redis ms>|<what the node says of itself>"
-- ARGV[1] this node's id
-- ARGV[2] what this node says of itself (JSON: cluster name, Hazelcast address)
-- ARGV[3] a beat older than this (ms) is a node gone: removed here
-- ARGV[4] the hash lives this long (ms) after the last beat of any node
-- Returns the live nodes, this one included: id, record, id, record, ...
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('HSET', KEYS[1], ARGV[1], now .. '|' .. ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local all = redis.call('HGETALL', KEYS[1])
local stale = tonumber(ARGV[3])
local live = {}
for i = 1, #all, 2 do
  local bar = string.find(all[i + 1], '|', 1, true)
  local seen = bar and tonumber(string.sub(all[i + 1], 1, bar - 1))
  if seen == nil or now - seen > stale then
    redis.call('HDEL', KEYS[1], all[i])
  else
    live[#live + 1] = all[i]
    live[#live + 1] = string.sub(all[i + 1], bar + 1)
  end
end
return live

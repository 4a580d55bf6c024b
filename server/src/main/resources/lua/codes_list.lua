-- codes_list: an event's codes, of one lane or all.
-- KEYS[1] codes  hash  code -> "lane|uses left|uses"
-- ARGV[1] lane name ("": every lane)
-- Returns {code, "lane|uses left|uses", ...}.
local all = redis.call('HGETALL', KEYS[1])
if ARGV[1] == '' then
  return all
end
local out = {}
local prefix = ARGV[1] .. '|'
for i = 1, #all, 2 do
  if string.sub(all[i + 1], 1, #prefix) == prefix then
    out[#out + 1] = all[i]
    out[#out + 1] = all[i + 1]
  end
end
return out

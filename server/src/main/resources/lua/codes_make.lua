-- codes_make: new codes for one lane, each good for `uses` joins, never past the event's bound on
-- codes (a code already there is left alone and not answered: the caller draws 60 random bits, so
-- that is a formality).
-- KEYS[1] codes  hash  code -> "lane|uses left|uses"
-- ARGV[1] lane name
-- ARGV[2] uses per code
-- ARGV[3] the most codes the event may hold
-- ARGV[4..] the codes
-- Returns the codes made, or -1 (nothing made) when they would pass the bound.
local count = #ARGV - 3
if redis.call('HLEN', KEYS[1]) + count > tonumber(ARGV[3]) then
  return -1
end
local made = {}
local record = ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[2]
for i = 4, #ARGV do
  if redis.call('HSETNX', KEYS[1], ARGV[i], record) == 1 then
    made[#made + 1] = ARGV[i]
  end
end
return made

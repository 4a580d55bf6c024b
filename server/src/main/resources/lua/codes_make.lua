-- codes_make: new codes for one lane, each good for `uses` joins, never past the event's bound on
-- codes (a code already there is left alone and not answered: the caller draws 60 random bits, so
-- that is a formality). Under an Idempotency-Key, a retry answers the codes the first call made
-- and makes none.
-- KEYS[1] codes     hash    code -> "lane|uses left|uses"
-- KEYS[2] make key  string  what one Idempotency-Key made: "lane|uses|code,code,..." (unused without one)
-- ARGV[1] lane name
-- ARGV[2] uses per code
-- ARGV[3] the most codes the event may hold
-- ARGV[4] how long a make key is remembered, ms ("0": the call carries no key)
-- ARGV[5..] the codes
-- Returns {"made", lane, uses, code...}, or {"replayed", lane, uses, code...} with the first call's
-- lane and uses whatever this one asks, or -1 (nothing made) when they would pass the bound.
local keyMillis = tonumber(ARGV[4])
if keyMillis > 0 then
  local earlier = redis.call('GET', KEYS[2])
  if earlier then
    local lane, uses, list = string.match(earlier, '^([^|]*)|([^|]*)|(.*)$')
    local codes = {'replayed', lane, uses}
    for code in string.gmatch(list, '[^,]+') do
      codes[#codes + 1] = code
    end
    return codes
  end
end
local count = #ARGV - 4
if redis.call('HLEN', KEYS[1]) + count > tonumber(ARGV[3]) then
  return -1
end
local made = {'made', ARGV[1], ARGV[2]}
local record = ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[2]
for i = 5, #ARGV do
  if redis.call('HSETNX', KEYS[1], ARGV[i], record) == 1 then
    made[#made + 1] = ARGV[i]
  end
end
if keyMillis > 0 then
  redis.call('SET', KEYS[2], ARGV[1] .. '|' .. ARGV[2] .. '|' .. table.concat(made, ',', 4), 'PX', keyMillis)
end
return made

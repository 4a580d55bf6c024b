-- stock_names: the names the stock is told with, from the event's layout as the seat room loads it:
-- each category's name and price, the currency, and the category of each standing area. Replaced
-- whole, so a category the layout dropped is not named any more.
-- KEYS: the seat keys (lib/seat_keys)
-- ARGV[1] currency ("" none), ARGV[2] how many categories follow as (id, name, price) triples, then
-- (section, category) pairs for the standing areas.
-- Returns the number of fields written.
--#include seat_keys
redis.call('DEL', K.stockNames)
local fields = {'currency', ARGV[1]}
local n = tonumber(ARGV[2])
for i = 3, 2 + 3 * n, 3 do
  fields[#fields + 1] = 'name:' .. ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
  fields[#fields + 1] = 'price:' .. ARGV[i]
  fields[#fields + 1] = ARGV[i + 2]
end
for i = 3 + 3 * n, #ARGV, 2 do
  fields[#fields + 1] = 'area:' .. ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
end
redis.call('HSET', K.stockNames, unpack(fields))
return #fields / 2

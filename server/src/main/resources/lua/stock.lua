-- stock: what is left of an event's seats and standing places, read at one instant: the seats of
-- the rows index per state and category (lib/seat_rows keeps them in step with every change), the
-- standing areas' capacity, places held and sold, and the figures the line's estimates are
-- measured from: buyers so far and holds now.
-- KEYS: the seat keys (lib/seat_keys)
-- Returns {stock hash as a flat list, standing, standing held, standing sold, stock names (each flat),
-- holds now, rows loaded (0 while the map is not in Redis), when the first hold now runs out (0: none)}.
--#include seat_keys
local first = redis.call('ZRANGE', K.holdExpiry, 0, 0, 'WITHSCORES')
return {redis.call('HGETALL', K.stock), redis.call('HGETALL', K.standing), redis.call('HGETALL', K.standingHeld),
  redis.call('HGETALL', K.standingSold), redis.call('HGETALL', K.stockNames), redis.call('HLEN', K.holds),
  redis.call('HLEN', K.rowMeta) + redis.call('HLEN', K.standing), first[2] or '0'}

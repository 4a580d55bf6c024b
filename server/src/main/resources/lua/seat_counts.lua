-- seat_counts: how many seats the map has, how many are held and how many sold.
-- KEYS[1] seats      set   seat ids of the map
-- KEYS[2] hold-seats hash  seat -> holdId
-- KEYS[3] sold       hash  seat -> reservationId
-- Returns {seats, held, sold}.
return {redis.call('SCARD', KEYS[1]), redis.call('HLEN', KEYS[2]), redis.call('HLEN', KEYS[3])}

-- seat_statuses: the seats not free right now, in one consistent read.
-- KEYS[1] hold-seats hash  seat -> holdId
-- KEYS[2] sold       hash  seat -> reservationId
-- KEYS[3] seats      set   (to tell whether the map is loaded)
-- Returns {loaded (1/0), {held seats}, {sold seats}}.
return {redis.call('EXISTS', KEYS[3]), redis.call('HKEYS', KEYS[1]), redis.call('HKEYS', KEYS[2])}

-- counts: the numbers of one event's line in one consistent read.
-- KEYS[1] waiting  zset
-- KEYS[2] active   zset
-- KEYS[3] meta     hash  admittedTotal, rate, queueing, completed
-- KEYS[4] traffic  string  requests counted in the last complete second
-- KEYS[5] hold-seats hash  seat -> holdId
-- KEYS[6] prequeue   zset  visitor -> arrival sequence, before the opening
-- Returns {waiting, active, admittedTotal, rate or "", queueing or "", trafficLastSecond, held seats,
-- pre-queued, opened ("1" once the pre-queue moved in), completed (visitors the site said were done)}.
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]),
        redis.call('HGET', KEYS[3], 'admittedTotal') or '0',
        redis.call('HGET', KEYS[3], 'rate') or '',
        redis.call('HGET', KEYS[3], 'queueing') or '',
        redis.call('GET', KEYS[4]) or '0',
        redis.call('HLEN', KEYS[5]),
        redis.call('ZCARD', KEYS[6]),
        redis.call('HGET', KEYS[3], 'opened') or '0',
        redis.call('HGET', KEYS[3], 'completed') or '0'}

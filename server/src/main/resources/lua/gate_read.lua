-- gate_read: the gate's state and the cluster-wide request rate of the last complete second.
-- KEYS[1] meta     hash    queueing ("1"/"0", unset = never decided), gateFlippedAt (epoch ms)
-- KEYS[2] traffic  string  requests of all nodes in the last complete second
-- Returns {queueing or "", flippedAt, rate}.
return {redis.call('HGET', KEYS[1], 'queueing') or '',
        tonumber(redis.call('HGET', KEYS[1], 'gateFlippedAt') or '0'),
        tonumber(redis.call('GET', KEYS[2]) or '0')}

-- generation_start: marks the event's live state in Redis with a new generation, unless another
-- node did so first (then its generation stands).
-- KEYS[1] meta  hash  generation
-- ARGV[1] the new generation
-- Returns {1 if this call set it else 0, the generation now in force}.
local set = redis.call('HSETNX', KEYS[1], 'generation', ARGV[1])
return {set, redis.call('HGET', KEYS[1], 'generation')}

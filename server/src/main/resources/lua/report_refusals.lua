-- report_refusals: adds what one node refused for an event since its last flush to the report's
-- refusals (one call a second per node and event, however many requests were refused).
-- KEYS[1] refusals hash  "<epoch minute>:<error code>" -> refusals answered in that minute
-- ARGV    (field, count) pairs
-- Returns the number of fields added to. The key expires 30 days after its last change, as the
-- other report keys (lib/report.lua).
for i = 1, #ARGV - 1, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIRE', KEYS[1], 30 * 24 * 3600 * 1000)
return math.floor(#ARGV / 2)

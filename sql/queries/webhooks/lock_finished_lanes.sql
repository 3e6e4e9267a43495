-- First statement of the transaction that records a batch of attempts (finish_attempts.sql):
-- takes the lanes' row locks in key order (endpoint_id, user_id), the order in which the sink's
-- record_deliveries.sql takes a user's lanes (endpoint order), so a batch spanning many lanes and
-- a sink upserting some of them wait for each other instead of deadlocking.
-- $1 endpoint_ids uuid[], $2 user_ids uuid[] (pairwise: one lane each)
SELECT 1 AS locked
FROM webhook_lanes l
JOIN unnest($1::uuid[], $2::uuid[]) AS f(endpoint_id, user_id) ON l.endpoint_id = f.endpoint_id AND l.user_id = f.user_id
-- = ANY beside the join: primary-key probes whatever the generic plan (see finish_attempts.sql)
WHERE l.endpoint_id = ANY ($1::uuid[]) AND l.user_id = ANY ($2::uuid[])
ORDER BY l.endpoint_id, l.user_id
FOR UPDATE OF l

-- Sent right before list_samples / list_samples_of_metric, in their transaction (list-samples.ts):
-- their inner read must walk health_samples_live_by_metric_time in order and stop after the page
-- (FETCH FIRST … WITH TIES). A generic plan, or one from statistics older than the user's history,
-- expects a handful of rows and may instead fetch every row after the cursor through a bitmap and
-- sort them all (test/integration/db/generic-plans.test.ts): without sorts that plan costs more
-- than the ordered walk, which needs none. LOCAL: gone at commit, so no pooled connection keeps it.
SET LOCAL enable_sort = off

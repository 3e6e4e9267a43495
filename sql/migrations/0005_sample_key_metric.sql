-- 0005_sample_key_metric: the metric is part of a sample's key (CONTRACT §4.4), and an offset
-- can come from the sample's IANA time zone (metadata.timeZone, timezone_source 'zone', §4.6).
-- Forward-only: never edit this file once landed.
--
-- The key becomes (user, source record, source, start, metric), metric being the canonical code:
-- one Health Connect record can carry several metrics under one id and time (a
-- BloodPressureRecord is a systolic and a diastolic sample) and none may overwrite another.
-- Existing rows keep their identity: they were unique on the old key, so they are unique on this
-- wider one. Column order: source_record_id stays second, so a delete ref that names only the
-- record id (how mobile OSes report deletions; it matches every metric) is still a prefix probe
-- of the key, and start_at before metric_code keeps a ref with (id, source, start) one too.
-- Rebuilding the key index and checking the new CHECK hold an ACCESS EXCLUSIVE lock for as long
-- as they take (~5 s per million rows on a loaded 2-core machine, measured with 0007 after it);
-- run it in a quiet moment on a large table.
ALTER TABLE health_samples
  DROP CONSTRAINT health_samples_pkey,
  ADD CONSTRAINT health_samples_pkey PRIMARY KEY (user_id, source_record_id, source_id, start_at, metric_code);

ALTER TABLE health_samples
  DROP CONSTRAINT health_samples_timezone_source,
  ADD CONSTRAINT health_samples_timezone_source CHECK (timezone_source IN ('sample', 'zone', 'header', 'default'));

-- 0007_interval_categories: an INTERVAL_NUM metric whose catalog entry lists categories takes a
-- category_code (a workout's activity: CONTRACT §5), so numeric rows may carry one when their kind
-- is INTERVAL_NUM. The new constraint only relaxes the old one; it is added NOT VALID and then
-- validated, which scans under a SHARE UPDATE EXCLUSIVE lock instead of blocking writes.
ALTER TABLE health_samples DROP CONSTRAINT health_samples_numeric_fields;
ALTER TABLE health_samples ADD CONSTRAINT health_samples_numeric_fields CHECK (
  value_kind = 'CATEGORY'
  OR (value IS NOT NULL AND unit IS NOT NULL AND (category_code IS NULL OR value_kind = 'INTERVAL_NUM'))
) NOT VALID;
ALTER TABLE health_samples VALIDATE CONSTRAINT health_samples_numeric_fields;

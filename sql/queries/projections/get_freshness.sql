-- How fresh a projection is for a user: the user's watermark (last committed change) and the
-- projection's contiguous checkpoint, read in one snapshot; 0 when there is no row yet.
-- $1 user_id uuid, $2 projection text
SELECT
  coalesce((SELECT w.seq FROM user_health_watermarks w WHERE w.user_id = $1::uuid), 0) AS watermark_seq,
  coalesce((SELECT c.projected_seq FROM projection_checkpoints c
            WHERE c.user_id = $1::uuid AND c.projection = $2::text), 0) AS projected_seq

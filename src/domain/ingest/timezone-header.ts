// X-Timezone-Offset (CONTRACT §4): the upload's default offset for samples that carry none.
import { MAX_TIMEZONE_OFFSET_MINUTES, MIN_TIMEZONE_OFFSET_MINUTES } from '../time/time-bounds.ts';

const STRICT_INTEGER = /^-?\d{1,6}$/;

/** Integer minutes east of UTC in -720..840; absent (null) is fine. */
export function validateTimezoneHeader(
  value: string | null,
): { ok: true; value: number | undefined } | { ok: false; message: string } {
  if (value === null) return { ok: true, value: undefined };
  const minutes = STRICT_INTEGER.test(value) ? Number(value) : Number.NaN;
  if (!(minutes >= MIN_TIMEZONE_OFFSET_MINUTES && minutes <= MAX_TIMEZONE_OFFSET_MINUTES)) {
    return { ok: false, message: 'X-Timezone-Offset must be an integer number of minutes in -720..840' };
  }
  return { ok: true, value: minutes === 0 ? 0 : minutes };
}

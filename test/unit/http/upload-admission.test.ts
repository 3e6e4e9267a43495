import { describe, expect, test } from 'bun:test';
import { UploadAdmission } from '../../../src/http/upload-admission.ts';

describe('UploadAdmission', () => {
  test('admits up to the limit, refuses one more, and admits again once a slot is given back', () => {
    const admission = new UploadAdmission(2);
    expect(admission.tryEnter()).toBe(true);
    expect(admission.tryEnter()).toBe(true);
    expect(admission.tryEnter()).toBe(false);
    expect(admission.current).toBe(2);
    admission.leave();
    expect(admission.current).toBe(1);
    expect(admission.tryEnter()).toBe(true);
  });

  test('never more than the limit in flight, whatever the interleaving', async () => {
    const admission = new UploadAdmission(3);
    let inFlight = 0;
    let peak = 0;
    let admitted = 0;
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await Bun.sleep(i % 7);
        if (!admission.tryEnter()) return;
        admitted++;
        inFlight++;
        peak = Math.max(peak, inFlight);
        await Bun.sleep(3);
        inFlight--;
        admission.leave();
      }),
    );
    expect(peak).toBeLessThanOrEqual(3);
    expect(admitted).toBeGreaterThan(3);
    expect(admission.current).toBe(0);
  });

  test('a stray leave does not open a slot beyond the limit', () => {
    const admission = new UploadAdmission(1);
    admission.leave();
    expect(admission.tryEnter()).toBe(true);
    expect(admission.tryEnter()).toBe(false);
  });
});
